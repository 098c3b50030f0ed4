"""RandomInvert: training images inverted at random."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, factor_range
from layerwise.layers.preprocessing._value_range import check_value_range


class RandomInvert(RandomLayer):
    """In training, y = high - x for the images drawn, x for the others (as Keras: image n is inverted when
    t_n < p_n, t_n ~ U[0, 1] and p_n ~ U[lower, upper], so a number f inverts with probability f / 2);
    dJ/dx = -dJ/dy on the inverted images, dJ/dy elsewhere. The identity at inference.

    Args:
        factor: a number f in [0, 1] (p in [0, f]) or a pair (lower, upper) within [0, 1] (default 1.0).
        value_range: (low, high); inversion maps x to high - x, as Keras.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> y = RandomInvert(factor=(1.0, 1.0), value_range=(0, 1), seed=0)(np.full((1, 1, 2, 1), 0.25), training=True)
        >>> y[0, 0, :, 0]
        array([0.75, 0.75], dtype=float32)
    """

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        lower, upper = factor_range("RandomInvert", "factor", factor)
        if np.ndim(factor) == 0:
            lower = max(lower, 0.0)  # Keras's bounds [0, 1] cut the symmetric range of a number
        if not 0 <= lower <= upper <= 1:
            raise ValueError(f"RandomInvert: factor must lie in [0, 1], received {factor!r}")
        self.factor, self.probability_range = factor, (lower, upper)
        self.value_range = check_value_range("RandomInvert", value_range)
        self.inverted = None

    def forward(self, x, training=False):
        self.inverted = None
        if not training:
            return x
        probability = self.rng.uniform(*self.probability_range, size=len(x))
        self.inverted = (self.rng.uniform(size=len(x)) < probability)[:, None, None, None]
        return np.where(self.inverted, self.value_range[1] - x, x).astype(x.dtype, copy=False)

    def backward(self, dy):
        return dy if self.inverted is None else np.where(self.inverted, -dy, dy).astype(dy.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": list(self.value_range)}
