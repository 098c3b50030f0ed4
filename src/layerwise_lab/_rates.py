"""What the learning-rate experiments share: one MNIST MLP trained by plain SGD, and its loss curves."""

import math

import layerwise
from layerwise.callbacks import TerminateOnNaN
from layerwise_lab._models import mlp


def train_mnist_mlp(data, learning_rate, epochs, batch_size=32, hidden=128):
    """Train a 784-``hidden``-10 ReLU/softmax MLP with plain SGD at ``learning_rate`` (a float or a schedule)
    for ``epochs`` on ``data`` = ((x_train, y_train), (x_test, y_test)) from `layerwise_lab._data.mnist`.

    Seed before calling (`Trial.seeded`): the weights and the order of the mini-batches follow from it. A run
    whose loss becomes NaN or infinite stops there (its curves end with that value and its final losses are
    inf), rather than raising.

    Returns:
        {"loss": the running training loss of each epoch (what `fit` logs), "test_loss", "test_accuracy":
        after each epoch, "train_loss": the loss on the whole training set after the last epoch, "test_loss_final",
        "test_accuracy_final"}.
    """
    (x_train, y_train), (x_test, y_test) = data
    model = mlp((hidden,), inputs=x_train.shape[1])
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    logs = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, validation_data=(x_test, y_test),
                     validation_batch_size=1024, callbacks=[TerminateOnNaN()], verbose=0).history
    curves = {"loss": logs["loss"], "test_loss": logs.get("val_loss", []),
              "test_accuracy": logs.get("val_accuracy", [])}
    if not math.isfinite(logs["loss"][-1]):
        return {**curves, "train_loss": math.inf, "test_loss_final": math.inf, "test_accuracy_final": math.nan}
    train_loss = model.evaluate(x_train, y_train, batch_size=1024, verbose=0)[0]
    test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=1024, verbose=0)
    return {**curves, "train_loss": float(train_loss), "test_loss_final": float(test_loss),
            "test_accuracy_final": float(test_accuracy)}
