"""Multiply: the element-wise product (gating)."""

import numpy as np

from layerwise.layers.merging._merge import Merge, functional_form


class Multiply(Merge):
    """y = x_1 * ... * x_k element-wise; dJ/dx_i = dJ/dy * prod_{j != i} x_j.

    Input shape:
        a list of k >= 2 tensors of one shape.

    Output shape:
        that shape.

    Example:
        >>> import numpy as np
        >>> Multiply()([np.full((1, 2), 2.0), np.full((1, 2), 3.0)])
        array([[6., 6.]], dtype=float32)

    References:
        Keras ``keras.layers.Multiply``; lecture 001 (modular backpropagation).
    """

    def forward(self, inputs, training=False):
        self.factors = inputs
        y = inputs[0] * inputs[1]
        for x in inputs[2:]:
            y *= x
        return y

    def backward(self, dy):
        gradients = []
        for i in range(len(self.factors)):
            dx = dy.copy()
            for j, x in enumerate(self.factors):
                if j != i:
                    np.multiply(dx, x, out=dx)
            gradients.append(dx)
        return gradients


multiply = functional_form(Multiply, "[[3.0, -8.0]]")
