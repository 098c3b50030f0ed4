"""The networks the experiments compare (a dense network, a small CNN), how the generalization experiments
compile them, and shifted test images.

`compiled` trains a 10-way softmax on the integer labels with cross-entropy and Adam (the lectures'
defaults), so two arms of an experiment differ only in what the experiment varies.
"""

import numpy as np

import layerwise
from layerwise import layers


def compiled(model, learning_rate=1e-3):
    """``model`` compiled with Adam at ``learning_rate`` (a float or a schedule), sparse categorical
    cross-entropy and accuracy."""
    model.compile(optimizer=layerwise.optimizers.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def small_cnn(filters=(8, 16), augmentation=()):
    """A LeNet-like CNN on 28x28x1 images: [augmentation layers], then (Conv2D 5x5 ReLU, MaxPooling 2x2) for
    each count in ``filters``, then a softmax Dense(10) on the flattened feature maps (lecture 004's
    convolution, subsampling and final regular layer)."""
    body = [layer for count in filters for layer in (layers.Conv2D(count, 5, activation="relu"),
                                                       layers.MaxPooling2D(2))]
    return layerwise.Sequential([layerwise.Input(shape=(28, 28, 1)), *augmentation, *body, layers.Flatten(),
                                 layers.Dense(10, activation="softmax")])


def mlp(hidden, inputs=784, classes=10, activation="relu", output_activation="softmax", images=False):
    """A fully connected network: ``inputs`` features (or, with ``images``, 28x28x1 images it flattens first),
    one Dense layer of each width in ``hidden`` with ``activation``, and ``classes`` units with
    ``output_activation``."""
    start = [layerwise.Input(shape=(28, 28, 1)), layers.Flatten()] if images else [layerwise.Input(shape=(inputs,))]
    return layerwise.Sequential([*start, *(layers.Dense(units, activation=activation) for units in hidden),
                                 layers.Dense(classes, activation=output_activation)])


def shift_images(images, rows, columns):
    """``images`` (N, H, W, C) moved down by ``rows`` and right by ``columns`` whole pixels (negative: up,
    left), the uncovered border filled with 0 (MNIST's background) and what leaves the frame dropped."""
    shifted = np.zeros_like(images)
    height, width = images.shape[1:3]
    if abs(rows) >= height or abs(columns) >= width:
        return shifted
    target = (slice(None), slice(max(rows, 0), height + min(rows, 0)), slice(max(columns, 0), width + min(columns, 0)))
    source = (slice(None), slice(max(-rows, 0), height + min(-rows, 0)),
              slice(max(-columns, 0), width + min(-columns, 0)))
    shifted[target] = images[source]
    return shifted
