"""Utilities with Keras's names: `to_categorical`, `set_random_seed`."""

from layerwise.utils.numerical import to_categorical
from layerwise.utils.random import set_random_seed

__all__ = ["to_categorical", "set_random_seed"]
