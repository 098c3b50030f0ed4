"""Equalization: each image's channels mapped through their histogram's cumulative distribution."""

import numpy as np

from layerwise.layers.base import Layer
from layerwise.layers.preprocessing._value_range import check_value_range
from layerwise.utils._arguments import check_integer


def equalize(x, value_range, bins):
    """Histogram-equalize each image's channels of x (N, H, W, C); see `Equalization`."""
    low, high = value_range
    pixels = (x - low) * (255 / (high - low))
    index = np.clip(pixels * ((bins - 1) / 255), 0, bins - 1).astype(np.intp)
    count, _, _, channels = x.shape
    slots = np.arange(count)[:, None, None, None] * channels + np.arange(channels)
    histogram = np.bincount((slots * bins + index).ravel(), minlength=count * channels * bins)
    histogram = histogram.reshape(count, 1, 1, channels, bins)
    cdf = np.cumsum(histogram, axis=-1)
    lowest = np.where(cdf > 0, cdf, cdf[..., -1:]).min(axis=-1, keepdims=True)
    spread = cdf[..., -1:] - lowest
    table = np.clip(np.round((cdf - lowest) * 255 / np.where(spread == 0, 1, spread)), 0, 255)
    equalized = np.take_along_axis(table, index[..., None], axis=-1)[..., 0]
    flat = np.count_nonzero(histogram, axis=-1) <= 1
    return np.where(flat, x, equalized * ((high - low) / 255) + low).astype(x.dtype, copy=False)


class Equalization(Layer):
    """Histogram equalization of each image's channels, in training and at inference (as Keras): with pixels v mapped
    from ``value_range`` to [0, 255] and put in ``bins`` bins (bin i = ⌊v (bins - 1) / 255⌋), a pixel in bin i
    becomes round(255 (cdf_i - cdf_min) / (N - cdf_min)), mapped back, where cdf is the channel's cumulative histogram,
    cdf_min its first non-zero value and N the pixel count; a channel of one occupied bin is left as it is.
    A step function of x: dJ/dx = 0 wherever it is differentiable (everywhere but the bin edges), which backward
    returns.

    Keras histograms each channel over the whole batch (an image's result then depends on the others in its batch);
    here each image has its own histogram, as PIL's ``ImageOps.equalize``.

    Args:
        value_range: (low, high), (0, 255) for raw pixels.
        bins: the number of histogram bins (default 256).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> Equalization()(np.array([[[[10.0], [10.0], [20.0], [200.0]]]]))[0, 0, :, 0]
        array([  0.,   0., 128., 255.], dtype=float32)

    References:
        R. C. Gonzalez and R. E. Woods, Digital Image Processing, histogram equalization; Keras
        ``keras.layers.Equalization``.
    """

    def __init__(self, value_range=(0, 255), bins=256, **kwargs):
        super().__init__(**kwargs)
        self.value_range = check_value_range("Equalization", value_range)
        self.bins = check_integer(bins, "bins", "Equalization", minimum=2)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"Layer '{self.name}' (Equalization) expects images of shape (batch, height, width, "
                             f"channels), received {tuple(input_shape)}")

    def forward(self, x, training=False):
        return equalize(x, self.value_range, self.bins)

    def backward(self, dy):
        return np.zeros_like(dy)

    def get_config(self):
        return {**super().get_config(), "value_range": list(self.value_range), "bins": self.bins}
