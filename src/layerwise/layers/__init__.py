"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.convolutional import Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D
from layerwise.layers.core import (Activation, Dense, Embedding, Flatten, Input, InputLayer, Masking, Maxout,
                                   Reshape)
from layerwise.layers.pooling import (AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling1D,
                                      MaxPooling2D, StochasticPooling2D)
from layerwise.layers.recurrent import GRU, LSTM, Bidirectional, SimpleRNN, TimeDistributed
from layerwise.layers.regularization import (DropConnect, Dropout, GaussianDropout, GaussianNoise,
                                             SpatialDropout2D)
from layerwise.layers.reshaping import Cropping2D, UpSampling2D, ZeroPadding2D

__all__ = [
    "Activation", "Dense", "Embedding", "Flatten", "Input", "InputLayer", "Layer", "Masking", "Maxout",
    "Parameter", "Reshape",
    # activations
    "ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax",
    # convolutional networks (lecture 004)
    "Conv1D", "Conv2D", "Conv2DTranspose", "Cropping2D", "DepthwiseConv2D", "UpSampling2D", "ZeroPadding2D",
    # pooling
    "AveragePooling2D", "GlobalAveragePooling2D", "GlobalMaxPooling2D", "MaxPooling1D", "MaxPooling2D",
    "StochasticPooling2D",
    # regularization
    "DropConnect", "Dropout", "GaussianDropout", "GaussianNoise", "SpatialDropout2D",
    # recurrent
    "Bidirectional", "GRU", "LSTM", "SimpleRNN", "TimeDistributed",
]
