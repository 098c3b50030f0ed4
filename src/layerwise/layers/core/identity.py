"""Identity: y = x, a placeholder layer."""

from layerwise.layers.base import Layer


class Identity(Layer):
    """y = x; dJ/dx = dJ/dy.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> Identity()(np.array([[1.0, 2.0]]))
        array([[1., 2.]], dtype=float32)

    References:
        Keras ``keras.layers.Identity``.
    """

    def forward(self, x, training=False):
        return x

    def backward(self, dy):
        return dy
