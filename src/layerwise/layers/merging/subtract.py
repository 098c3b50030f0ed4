"""Subtract: the difference of two tensors."""

from layerwise.layers.merging._merge import Merge, functional_form


class Subtract(Merge):
    """y = x_1 - x_2; dJ/dx_1 = dJ/dy, dJ/dx_2 = -dJ/dy.

    Input shape:
        a list of exactly 2 tensors of one shape.

    Output shape:
        that shape.

    Example:
        >>> import numpy as np
        >>> Subtract()([np.ones((1, 2)), np.full((1, 2), 3.0)])
        array([[-2., -2.]], dtype=float32)

    References:
        Keras ``keras.layers.Subtract``; lecture 001 (modular backpropagation).
    """

    min_inputs = max_inputs = 2

    def forward(self, inputs, training=False):
        return inputs[0] - inputs[1]

    def backward(self, dy):
        return [dy, -dy]


subtract = functional_form(Subtract, "[[-2.0, 6.0]]")
