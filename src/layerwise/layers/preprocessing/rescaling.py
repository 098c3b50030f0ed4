"""Rescaling: multiply by a constant and add an offset."""

from layerwise.layers.base import Layer


class Rescaling(Layer):
    """y = scale * x + offset; dJ/dx = scale * dJ/dy.

    Scales pixel values (``Rescaling(1 / 255)``), and is lecture 001's constant-scaling shortcut
    h(x) = lambda x of a residual block (``Rescaling(0.5)``).

    Args:
        scale: the constant factor.
        offset: the constant added after scaling.
        **kwargs: `Layer` arguments.

    Input shape:
        any.

    Output shape:
        the input shape.

    Example:
        >>> import numpy as np
        >>> Rescaling(0.5, offset=1.0)(np.array([[2.0, 4.0]]))
        array([[2., 3.]], dtype=float32)

    References:
        Keras ``keras.layers.Rescaling``; lecture 001 (ResNet shortcut h(x) = lambda x, "lambda < 1,
        vanishing gradients").
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = float(scale)
        self.offset = float(offset)

    def forward(self, x, training=False):
        y = x * self.scale
        if self.offset:
            y += self.offset
        return y

    def backward(self, dy):
        return dy * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
