"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.core import Activation, Dense, Flatten, Input, InputLayer, Maxout, Reshape
from layerwise.layers.merging import Add, Average, Concatenate, Maximum, Multiply, Subtract
from layerwise.layers.normalization import (BatchNormalization, GroupNormalization, InstanceNormalization,
                                           LayerNormalization)
from layerwise.layers.pooling import StochasticPooling2D
from layerwise.layers.preprocessing import Rescaling
from layerwise.layers.regularization import DropConnect, Dropout, GaussianDropout, GaussianNoise

__all__ = [
    "Activation", "Add", "Average", "BatchNormalization", "Concatenate", "Dense", "DropConnect", "Dropout", "ELU",
    "Flatten", "GaussianDropout", "GaussianNoise", "GroupNormalization", "Input", "InputLayer",
    "InstanceNormalization", "Layer", "LayerNormalization", "LeakyReLU", "Maximum", "Maxout", "Multiply", "PReLU",
    "Parameter", "ReLU", "Rescaling", "Reshape", "Softmax", "StochasticPooling2D", "Subtract",
]
