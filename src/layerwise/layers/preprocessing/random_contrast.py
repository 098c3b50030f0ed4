"""RandomContrast: scale each training image's deviation from its mean by a random factor."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor


class RandomContrast(RandomLayer):
    """Adjust contrast at random when training; the identity at inference.

    For image n with contrast c_n ~ U[1 - lower, 1 + upper] and per-channel mean m_n = mean_{i,j} x[n, i, j],
    z = c_n (x - m_n) + m_n and y = clip(z, value_range). Backward, with g = dJ/dy where z was not
    clipped (0 elsewhere): dJ/dx = c_n g + (1 - c_n) mean_{i,j} g.

    Args:
        factor: a number f in [0, 1] (contrast in [1 - f, 1 + f]) or a pair (lower, upper).
        value_range: (low, high) the outputs are clipped to, (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> x = np.array([[100.0, 110.0], [120.0, 130.0]]).reshape(1, 2, 2, 1)
        >>> y = RandomContrast(0.5, seed=0)(x, training=True)
        >>> bool(np.isclose(y.mean(), x.mean())), bool(np.allclose(y, x))
        (True, False)

    References:
        Lecture 003 (data augmentation); Keras ``RandomContrast``.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        pair = (factor, factor) if np.ndim(factor) == 0 else tuple(factor)
        if len(pair) != 2 or not all(0 <= value <= 1 for value in pair):
            raise ValueError(f"RandomContrast: factor must be a number or a pair in [0, 1], received {factor!r}")
        if len(value_range) != 2 or value_range[0] >= value_range[1]:
            raise ValueError(f"RandomContrast: value_range must be (low, high) with low < high, "
                             f"received {value_range!r}")
        self.factor, self.value_range = factor, tuple(value_range)
        self.contrast_range = (1 - float(pair[0]), 1 + float(pair[1]))
        self.contrast = self.unclipped = None

    def forward(self, x, training=False):
        self.contrast = None
        if not training:
            return x
        self.contrast = self.rng.uniform(*self.contrast_range, size=(len(x), 1, 1, 1)).astype(x.dtype)
        mean = x.mean(axis=(1, 2), keepdims=True)
        z = (x - mean) * self.contrast + mean
        self.unclipped = (z > self.value_range[0]) & (z < self.value_range[1])
        return np.clip(z, *self.value_range, out=z)

    def backward(self, dy):
        if self.contrast is None:
            return dy
        grad = dy * self.unclipped
        return grad * self.contrast + (1 - self.contrast) * grad.mean(axis=(1, 2), keepdims=True)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": self.value_range}
