"""AutoContrast: each image's channels stretched to the whole value range."""

import numpy as np

from layerwise.layers.base import Layer
from layerwise.layers.preprocessing._value_range import check_value_range


class AutoContrast(Layer):
    """y = low + (high - low) u, u = (x - m) / (M - m), with m and M the minimum and maximum of each image's channel
    (as Keras, in training and at inference); a constant channel is left as it is.

    Backward, with D = high - low and g = dJ/dy: dJ/dx = D / (M - m) [g + e_argmin sum g (u - 1) - e_argmax sum g u]
    per channel (the minimum's and maximum's entries also move m and M).

    Args:
        value_range: (low, high), (0, 255) for raw pixels.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> AutoContrast(value_range=(0, 1))(np.array([[[[0.25], [0.5]]]]))[0, 0, :, 0]
        array([0., 1.], dtype=float32)
    """

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range("AutoContrast", value_range)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"Layer '{self.name}' (AutoContrast) expects images of shape (batch, height, width, "
                             f"channels), received {tuple(input_shape)}")

    def forward(self, x, training=False):
        flat = x.reshape(len(x), -1, x.shape[-1])
        self.lowest, self.highest = flat.argmin(axis=1), flat.argmax(axis=1)
        low, high = flat.min(axis=1, keepdims=True), flat.max(axis=1, keepdims=True)
        self.spread = high - low
        self.constant = self.spread == 0
        self.u = (flat - low) / np.where(self.constant, 1, self.spread)
        lower, upper = self.value_range
        y = np.where(self.constant, flat, lower + (upper - lower) * self.u)
        return y.reshape(x.shape).astype(x.dtype, copy=False)

    def backward(self, dy):
        g = dy.reshape(self.u.shape)
        scale = (self.value_range[1] - self.value_range[0]) / np.where(self.constant, 1, self.spread)
        dx = g * scale
        rows = np.arange(len(g))[:, None]
        channels = np.arange(g.shape[-1])[None, :]
        dx[rows, self.lowest, channels] += (scale * np.sum(g * (self.u - 1), axis=1, keepdims=True))[:, 0]
        dx[rows, self.highest, channels] -= (scale * np.sum(g * self.u, axis=1, keepdims=True))[:, 0]
        return np.where(self.constant, g, dx).reshape(dy.shape).astype(dy.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "value_range": list(self.value_range)}
