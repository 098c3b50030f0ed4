"""Rescaling: an affine map of the input values, e.g. pixels 0..255 to 0..1."""

from layerwise.layers.base import Layer


class Rescaling(Layer):
    """y = scale * x + offset, in training and inference alike; dJ/dx = scale * dJ/dy.

    Scales pixel values (``Rescaling(1 / 255)``), and is lecture 001's constant-scaling shortcut
    h(x) = lambda x of a residual block (``Rescaling(0.5)``).

    Args:
        scale: the factor, e.g. 1/255 to map pixels to [0, 1].
        offset: added after scaling, e.g. -1 with scale 1/127.5 for [-1, 1].
        **kwargs: `Layer` arguments.

    Input shape:
        Any, (batch, ...).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> Rescaling(1 / 127.5, offset=-1.0)(np.array([[0.0, 255.0]])).tolist()
        [[-1.0, 1.0]]

    References:
        Lecture 003 (``X_train / 255``); Keras ``Rescaling``.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = float(scale), float(offset)

    def forward(self, x, training=False):
        y = x * self.scale
        y += self.offset
        return y

    def backward(self, dy):
        return dy * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}
