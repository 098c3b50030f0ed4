"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.core import Activation, Dense, Embedding, Flatten, Input, InputLayer, Masking, Reshape
from layerwise.layers.recurrent import GRU, LSTM, Bidirectional, SimpleRNN, TimeDistributed

__all__ = [
    "Activation", "Dense", "ELU", "Flatten", "Input", "InputLayer", "Layer", "LeakyReLU", "PReLU",
    "Parameter", "ReLU", "Reshape", "Softmax",
    # recurrent family
    "Bidirectional", "Embedding", "GRU", "LSTM", "Masking", "SimpleRNN", "TimeDistributed",
]
