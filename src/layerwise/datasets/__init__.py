"""Real data sets in the shape Keras returns them (``layerwise.datasets.mnist.load_data()``)."""

from layerwise.datasets import mnist, toy_sequences

__all__ = ["mnist", "toy_sequences"]
