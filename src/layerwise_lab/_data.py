"""The data experiments share: MNIST as flat or image float32 arrays in [0, 1], in subsets."""

import functools

import numpy as np

import layerwise


@functools.lru_cache(maxsize=1)
def _mnist():
    return layerwise.datasets.mnist.load_data()


def mnist(train=60000, test=10000, images=False, seed=0):
    """``(x_train, y_train), (x_test, y_test)``: the first ``test`` test images and ``train`` training images
    drawn without replacement by ``seed`` (all 60,000 in their order when ``train`` is 60,000), scaled to
    [0, 1]; flat (784 features) or, with ``images``, 28x28x1. Labels are integers 0-9."""
    (x_train, y_train), (x_test, y_test) = _mnist()
    if train < len(x_train):
        chosen = np.sort(np.random.default_rng(seed).choice(len(x_train), size=train, replace=False))
        x_train, y_train = x_train[chosen], y_train[chosen]
    x_test, y_test = x_test[:test], y_test[:test]
    shape = (-1, 28, 28, 1) if images else (-1, 784)
    return ((x_train.reshape(shape).astype("float32") / 255, y_train.astype("int64")),
            (x_test.reshape(shape).astype("float32") / 255, y_test.astype("int64")))
