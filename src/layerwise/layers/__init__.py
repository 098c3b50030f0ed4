"""Layers, as `keras.layers`: every layer class, importable from here."""

from layerwise.layers.activations import ELU, LeakyReLU, PReLU, ReLU, Softmax
from layerwise.layers.base import Layer, Parameter
from layerwise.layers.convolutional import Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D
from layerwise.layers.core import Activation, Dense, Flatten, Input, InputLayer, Reshape
from layerwise.layers.pooling import (AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling1D,
                                      MaxPooling2D)
from layerwise.layers.regularization import SpatialDropout2D
from layerwise.layers.reshaping import Cropping2D, UpSampling2D, ZeroPadding2D

__all__ = [
    "Activation", "Dense", "ELU", "Flatten", "Input", "InputLayer", "Layer", "LeakyReLU", "PReLU",
    "Parameter", "ReLU", "Reshape", "Softmax",
    # convolutional networks (lecture 004)
    "AveragePooling2D", "Conv1D", "Conv2D", "Conv2DTranspose", "Cropping2D", "DepthwiseConv2D",
    "GlobalAveragePooling2D", "GlobalMaxPooling2D", "MaxPooling1D", "MaxPooling2D", "SpatialDropout2D",
    "UpSampling2D", "ZeroPadding2D",
]
