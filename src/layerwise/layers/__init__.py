"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.core import (Activation, Dense, Embedding, Flatten, Input, InputLayer, Masking, Maxout,
                                   Reshape)
from layerwise.layers.pooling import StochasticPooling2D
from layerwise.layers.recurrent import GRU, LSTM, Bidirectional, SimpleRNN, TimeDistributed
from layerwise.layers.regularization import DropConnect, Dropout, GaussianDropout, GaussianNoise

__all__ = [
    "Activation", "Dense", "Embedding", "Flatten", "Input", "InputLayer", "Layer", "Masking", "Maxout",
    "Parameter", "Reshape",
    # activations
    "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax",
    # pooling
    "StochasticPooling2D",
    # regularization
    "DropConnect", "Dropout", "GaussianDropout", "GaussianNoise",
    # recurrent
    "Bidirectional", "GRU", "LSTM", "SimpleRNN", "TimeDistributed",
]
