"""Real data sets in the shape Keras returns them (``layerwise.datasets.mnist.load_data()``), and toy problems."""

from layerwise.datasets import cifar10, cifar100, fashion_mnist, mnist, toy, toy_sequences

__all__ = ["cifar10", "cifar100", "fashion_mnist", "mnist", "toy", "toy_sequences"]
