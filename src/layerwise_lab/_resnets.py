"""What the ResNet experiments (degradation, shortcut variants) share: He et al.'s CIFAR network trained the same
way for every arm, with its training error measured epoch by epoch and its test error at the end.

He et al. train by SGD with momentum 0.9 from a learning rate of 0.1 that they divide by 10 twice; in the lab's
few epochs a cosine decay from the same rate to 0 plays that role (large steps first, small steps to settle).
Every arm of an experiment sees the same data for the same number of steps.
"""

import math

import numpy as np

import layerwise
from layerwise.applications import resnet_cifar
from layerwise_lab._training import training_curve

MOMENTUM = 0.9  # He et al.'s SGD momentum


def train_resnet(trial, data, depth, epochs, batch_size, learning_rate, filters, measured, desc, **architecture):
    """Build ``resnet_cifar(depth, filters=filters, **architecture)`` for the images of ``data``, train it by SGD
    (momentum 0.9, cosine decay from ``learning_rate`` to 0) and measure it.

    Args:
        trial: the running `Trial` (for the progress bar).
        data: ``(x, y), (x_test, y_test)`` as `layerwise_lab._data.dataset` gives them (28x28x1 or 32x32x3).
        depth: 6n + 2.
        epochs, batch_size, learning_rate: the training budget.
        filters: the three stages' filters.
        measured: how many training images (the first ones) the training error is measured on every epoch.
        desc: the progress bar's label.
        architecture: ``plain``, ``shortcut`` ... as `resnet_cifar` takes them.

    Returns:
        ``{"train_error": [...], "test_error": e, "parameters": p, "seconds": s}``: the training error at
        θ_0 ... θ_epochs (None from the epoch on which training diverged), the final test error (None if it
        diverged), the trainable parameter count and the seconds spent in `fit`.
    """
    (x, y), (x_test, y_test) = data
    model = resnet_cifar(depth, input_shape=x.shape[1:], classes=10, filters=tuple(filters), **architecture)
    steps = epochs * math.ceil(len(x) / batch_size)
    schedule = layerwise.optimizers.schedules.CosineDecay(learning_rate, steps)
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=schedule, momentum=MOMENTUM),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    curve = training_curve(model, x, y, epochs, batch_size, measured=(x[:measured], y[:measured]),
                           progress=lambda epochs: trial.progress(epochs, desc))
    diverged = curve["accuracy"][-1] is None
    with np.errstate(over="ignore", invalid="ignore"):
        test_accuracy = None if diverged else model.evaluate(x_test, y_test, batch_size=500, verbose=0)[1]
    return {"train_error": [None if accuracy is None else 1 - accuracy for accuracy in curve["accuracy"]],
            "test_error": None if test_accuracy is None else 1 - float(test_accuracy),
            "parameters": int(model.count_params()), "seconds": curve["seconds"][-1]}


def percent(error):
    """An error for a table: in percent, 2 decimals, or "diverged" for None."""
    return "diverged" if error is None else round(100 * error, 2)
