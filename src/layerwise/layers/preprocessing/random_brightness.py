"""RandomBrightness: a random offset added to each training image."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, factor_range
from layerwise.layers.preprocessing._value_range import check_value_range


class RandomBrightness(RandomLayer):
    """In training, y = clip(x + δ_n, low, high) with δ_n = u_n (high - low), u_n ~ U[lower, upper] per image (as
    Keras); dJ/dx = dJ/dy where x + δ_n was not clipped, 0 elsewhere. The identity at inference.

    Args:
        factor: a number f in [-1, 1] (u in [-|f|, |f|]) or a pair (lower, upper) within [-1, 1].
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> y = RandomBrightness((0.1, 0.1), value_range=(0, 1), seed=0)(np.full((1, 2, 2, 1), 0.5), training=True)
        >>> np.round(y[0, :, :, 0], 4)
        array([[0.6, 0.6],
               [0.6, 0.6]], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.delta_range = factor, factor_range("RandomBrightness", "factor", factor, symmetric_bound=1)
        self.value_range = check_value_range("RandomBrightness", value_range)
        self.unclipped = None

    def forward(self, x, training=False):
        self.unclipped = None
        if not training:
            return x
        low, high = self.value_range
        delta = self.rng.uniform(*self.delta_range, size=(len(x), 1, 1, 1)) * (high - low)
        z = x + delta.astype(x.dtype)
        self.unclipped = (z > low) & (z < high)
        return np.clip(z, low, high, out=z)

    def backward(self, dy):
        return dy if self.unclipped is None else dy * self.unclipped

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": list(self.value_range)}
