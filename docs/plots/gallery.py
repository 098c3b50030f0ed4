"""Draw one picture of each kind of `layerwise.plot` into docs/plots/ (about half a minute on two cores).

Run from the repository: ``python docs/plots/gallery.py``. The models are small and trained briefly on
the toy moons and on a slice of MNIST: the pictures show what each plot looks like, not benchmark results.
"""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402  (after choosing the backend)

import layerwise  # noqa: E402
from layerwise import plot  # noqa: E402
from layerwise.datasets import mnist, toy  # noqa: E402
from layerwise.diagnostics import ActivationStats, DeadUnits, GradientFlow  # noqa: E402
from layerwise.layers import Conv2D, Dense, Flatten, MaxPooling2D  # noqa: E402
from layerwise.optimizers import SGD, Adam, RMSprop  # noqa: E402

HERE = Path(__file__).resolve().parent


def mlp(widths, activation, inputs, outputs, name=None):
    layers = [layerwise.Input(shape=(inputs,))] + [Dense(width, activation=activation, name=f"dense_{i + 1}")
                                                   for i, width in enumerate(widths)]
    return layerwise.Sequential(layers + [Dense(outputs, activation="softmax", name="output")], name=name)


def moons():
    x, y = toy.moons(400, noise=0.15, seed=0)
    order = np.random.default_rng(0).permutation(len(x))   # moons come class by class; validation_split takes the end
    x, y = x[order], y[order]
    model = mlp([16, 16], "tanh", 2, 2, name="moons_mlp")
    model.compile(optimizer=Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=60, batch_size=32, validation_split=0.25, verbose=0)
    plot.plot_history(history, path=HERE / "history.png")
    plot.plot_decision_boundary(model, x, y, path=HERE / "decision_boundary.png")


def mnist_slice(count):
    (x, y), (x_test, y_test) = mnist.load_data()
    return (x[:count] / np.float32(255), y[:count]), (x_test[:1000] / np.float32(255), y_test[:1000])


def deep_sigmoid_mlp(x, y):
    model = mlp([32] * 5, "sigmoid", 784, 10)
    model.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy")
    stats = ActivationStats(x[:500], bins=30)
    history = model.fit(x, y, epochs=6, batch_size=64, verbose=0, callbacks=[GradientFlow(every=5), stats])
    plot.plot_gradient_flow(history, path=HERE / "gradient_flow.png")
    plot.plot_activation_histograms(stats, path=HERE / "activation_histograms.png")


def relu_mlp_too_fast(x, y):
    model = mlp([64, 64, 64], "relu", 784, 10)
    model.compile(optimizer=SGD(0.5), loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=6, batch_size=64, verbose=0, callbacks=[DeadUnits(x[:500])])
    plot.plot_dead_units(history, path=HERE / "dead_units.png")
    plot.plot_filters(model.layers[0], image_shape=(28, 28), max_filters=36, path=HERE / "dense_filters.png")


def cnn(x, y, x_test, y_test):
    model = layerwise.Sequential([layerwise.Input(shape=(28, 28, 1)), Conv2D(16, 5, activation="relu", name="conv"),
                                  MaxPooling2D(2), Flatten(), Dense(10, activation="softmax", name="output")],
                                 name="small_cnn")
    model.compile(optimizer=Adam(1e-3), loss="sparse_categorical_crossentropy")
    model.fit(x[..., None], y, epochs=2, batch_size=64, verbose=0)
    plot.plot_filters(model.get_layer("conv"), path=HERE / "conv_filters.png")
    plot.plot_feature_maps(model, "conv", x_test[0, ..., None], path=HERE / "feature_maps.png")
    plot.plot_confusion_matrix(y_test, model.predict(x_test[..., None], verbose=0), path=HERE / "confusion_matrix.png")


def nested_model():
    encoder = layerwise.Sequential([layerwise.Input(shape=(784,)), Dense(64, activation="relu", name="enc_1"),
                                    Dense(16, activation="relu", name="code")], name="encoder")
    x = layerwise.Input(shape=(784,), name="pixels")
    code = encoder(x)
    digits = Dense(10, activation="softmax", name="digits")(code)
    reconstruction = Dense(784, activation="sigmoid", name="reconstruction")(code)
    plot.plot_model(layerwise.Model(x, [digits, reconstruction], name="two_heads"), expand_nested=True,
                    path=HERE / "model.png")


def saddle():
    start = (1.0, 1e-3)
    trajectories = {name: plot.optimizer_trajectory(optimizer, toy.saddle_gradient, start, 40)
                    for name, optimizer in [("SGD", SGD(0.05)), ("momentum", SGD(0.05, momentum=0.9)),
                                            ("RMSprop", RMSprop(0.05)), ("Adam", Adam(0.05))]}
    extent = (-1.2, 1.2, -1.2, 1.2)
    plot.plot_optimizer_trajectories(toy.saddle, trajectories, extent=extent, path=HERE / "trajectories.png")
    plot.animate_optimizer_trajectories(toy.saddle, trajectories, HERE / "trajectories.gif", extent=extent)


if __name__ == "__main__":
    layerwise.utils.set_random_seed(0)
    (x, y), (x_test, y_test) = mnist_slice(4000)
    moons()
    deep_sigmoid_mlp(x.reshape(len(x), -1), y)
    relu_mlp_too_fast(x.reshape(len(x), -1), y)
    cnn(x, y, x_test, y_test)
    nested_model()
    saddle()
