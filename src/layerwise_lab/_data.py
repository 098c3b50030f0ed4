"""The data experiments share: MNIST, Fashion-MNIST or CIFAR-10 as float32 arrays in [0, 1], in subsets.

Experiments that the lectures ran on CIFAR-10 run on Fashion-MNIST by default (CIFAR-10 is rarely on the
machine; Fashion-MNIST is a harder 28x28 task than MNIST) and on CIFAR-10 with ``--dataset cifar10``.
"""

import functools

import numpy as np

import layerwise

#: The image datasets an experiment can name, with their loaders.
LOADERS = {"mnist": layerwise.datasets.mnist.load_data, "fashion_mnist": layerwise.datasets.fashion_mnist.load_data,
           "cifar10": layerwise.datasets.cifar10.load_data}


@functools.lru_cache(maxsize=2)
def _load(name):
    return LOADERS[name]()


def dataset(name, train=None, test=None, flat=False, seed=0):
    """``(x_train, y_train), (x_test, y_test)`` of dataset ``name`` ("mnist", "fashion_mnist", "cifar10"):
    the first ``test`` test images and ``train`` training images drawn without replacement by ``seed`` (all of
    them, in their order, when ``train`` is None or the whole set), scaled to [0, 1]; images (N, H, W, C) or,
    with ``flat``, vectors (N, H*W*C). Labels are integers (N,)."""
    if name not in LOADERS:
        raise ValueError(f"the lab knows the datasets {', '.join(LOADERS)}, not {name!r}")
    (x_train, y_train), (x_test, y_test) = _load(name)
    if train is not None and train < len(x_train):
        chosen = np.sort(np.random.default_rng(seed).choice(len(x_train), size=train, replace=False))
        x_train, y_train = x_train[chosen], y_train[chosen]
    x_test, y_test = x_test[:test], y_test[:test]

    def scaled(x):
        x = x if x.ndim == 4 else x[..., np.newaxis]
        x = x.reshape(len(x), int(np.prod(x.shape[1:]))) if flat else x
        return x.astype("float32") / 255

    return (scaled(x_train), y_train.reshape(-1).astype("int64")), (scaled(x_test), y_test.reshape(-1).astype("int64"))


def mnist(train=60000, test=10000, images=False, seed=0):
    """MNIST as `dataset` gives it: flat (784 features) or, with ``images``, 28x28x1."""
    return dataset("mnist", train, test, flat=not images, seed=seed)
