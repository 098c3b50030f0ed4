"""Real data: lecture 002's regularizers (dropout + max-norm, L2) train an MNIST MLP on a small subset."""

import numpy as np

import layerwise
from layerwise import constraints, regularizers
from layerwise.callbacks import EarlyStopping
from layerwise.datasets import mnist
from layerwise.layers import Dense, Dropout


def test_dropout_max_norm_mlp_learns_mnist_subset():
    (x_train, y_train), (x_test, y_test) = mnist.load_data()
    x_train = x_train[:3000].reshape(-1, 784).astype("float32") / 255
    x_test = x_test[:1000].reshape(-1, 784).astype("float32") / 255
    y_train = layerwise.utils.to_categorical(y_train[:3000], 10)
    y_test = layerwise.utils.to_categorical(y_test[:1000], 10)
    model = layerwise.Sequential([
        layerwise.Input(shape=(784,)),
        Dense(128, activation="relu", kernel_constraint=constraints.MaxNorm(3.0)),
        Dropout(0.5),
        Dense(10, activation="softmax", kernel_regularizer=regularizers.L2(1e-4)),
    ])
    model.compile(optimizer=layerwise.optimizers.Adam(1e-3), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=5, batch_size=64, verbose=0, validation_split=0.1,
                        callbacks=[EarlyStopping(patience=2, restore_best_weights=True)])
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert np.all(np.linalg.norm(model.layers[0].kernel.value, axis=0) <= 3.0 + 1e-5)
    accuracy = model.evaluate(x_test, y_test, verbose=0)[1]
    assert accuracy > 0.84  # 0.877-0.881 over seeds 0-2
    mc_accuracy = np.mean(model.predict(x_test, mc_samples=8, verbose=0).argmax(1) == y_test.argmax(1))
    assert mc_accuracy > 0.84  # 0.868-0.879
