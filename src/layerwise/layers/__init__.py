"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.core import Activation, Dense, Flatten, Input, InputLayer, Maxout, Reshape
from layerwise.layers.pooling import StochasticPooling2D
from layerwise.layers.regularization import DropConnect, Dropout, GaussianDropout, GaussianNoise

__all__ = [
    "Activation", "Dense", "DropConnect", "Dropout", "ELU", "Flatten", "GaussianDropout", "GaussianNoise",
    "Input", "InputLayer", "Layer", "LeakyReLU", "Maxout", "PReLU", "Parameter", "ReLU", "Reshape", "Softmax",
    "StochasticPooling2D",
]
