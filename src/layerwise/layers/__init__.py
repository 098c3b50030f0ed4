"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.core import Activation, Dense, Flatten, Input, InputLayer, Reshape
from layerwise.layers.normalization import (BatchNormalization, GroupNormalization, InstanceNormalization,
                                           LayerNormalization)

__all__ = [
    "Activation", "BatchNormalization", "Dense", "ELU", "Flatten", "GroupNormalization", "Input", "InputLayer",
    "InstanceNormalization", "Layer", "LayerNormalization", "LeakyReLU", "PReLU", "Parameter", "ReLU", "Reshape",
    "Softmax",
]
