"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.core import Activation, Dense, Flatten, Input, InputLayer, Reshape
from layerwise.layers.regularization import Dropout, GaussianDropout, GaussianNoise

__all__ = [
    "Activation", "Dense", "Dropout", "ELU", "Flatten", "GaussianDropout", "GaussianNoise", "Input",
    "InputLayer", "Layer", "LeakyReLU", "PReLU", "Parameter", "ReLU", "Reshape", "Softmax",
]
