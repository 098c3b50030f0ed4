"""Flatten: collapse every axis but the batch axis."""

import math

from layerwise.layers.base import Layer


class Flatten(Layer):
    """y = x reshaped to (N, prod(x.shape[1:])); dJ/dx is dJ/dy reshaped back.

    Input shape:
        (batch, d1, d2, ...).

    Output shape:
        (batch, d1 * d2 * ...).

    Example:
        >>> import numpy as np
        >>> Flatten()(np.zeros((2, 28, 28))).shape
        (2, 784)
    """

    def forward(self, x, training=False):
        self.input_batch_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self.input_batch_shape)

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))
