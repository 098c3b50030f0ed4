"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.core import Activation, Dense, Flatten, Input, InputLayer, Reshape
from layerwise.layers.preprocessing import (
    Normalization, RandomContrast, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, Rescaling)

__all__ = [
    "Activation", "Dense", "ELU", "Flatten", "Input", "InputLayer", "Layer", "LeakyReLU", "PReLU",
    "Parameter", "ReLU", "Reshape", "Softmax",
    "Normalization", "RandomContrast", "RandomFlip", "RandomRotation", "RandomTranslation", "RandomZoom",
    "Rescaling",
]
