"""RandomPosterization: training images' channels reduced to a random number of bits."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, unit_range
from layerwise.layers.preprocessing._value_range import check_value_range


class RandomPosterization(RandomLayer):
    """In training, with pixels mapped from ``value_range`` to [0, 255] and truncated to integers v, each image keeps
    the b_n highest of 8 bits, b_n drawn uniformly from the integers of [lower, upper]:
    y = ⌊v / 2^(8 - b_n)⌋ 2^(8 - b_n), mapped back. A step function of x: dJ/dx = 0 wherever it is differentiable
    (everywhere but the steps), which backward returns. The identity at inference.

    Keras draws b from [lower, upper) (so factor=8 never keeps 8 bits unless given as (8, 8)); here the upper bound is
    included.

    Args:
        factor: a number f in [1, 8] (b in [1, f]) or a pair within [1, 8].
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> RandomPosterization((1, 1), seed=0)(np.array([[[[100.0], [200.0]]]]), training=True)[0, 0, :, 0]
        array([  0., 128.], dtype=float32)

    References:
        E. D. Cubuk et al., AutoAugment (CVPR 2019); Keras ``keras.layers.RandomPosterization``.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.bits_range = factor, unit_range("RandomPosterization", "factor", factor, bounds=(1, 8))
        if not all(float(bits).is_integer() for bits in self.bits_range):
            raise ValueError(f"RandomPosterization: factor must hold whole numbers of bits, received {factor!r}")
        self.value_range = check_value_range("RandomPosterization", value_range)
        self.posterized = False

    def forward(self, x, training=False):
        self.posterized = training
        if not training:
            return x
        low, high = self.value_range
        bits = self.rng.integers(self.bits_range[0], self.bits_range[1], size=(len(x), 1, 1, 1), endpoint=True)
        step = 2.0 ** (8 - bits)
        levels = np.floor(np.clip((x - low) * (255 / (high - low)), 0, 255))
        return (np.floor(levels / step) * step * ((high - low) / 255) + low).astype(x.dtype, copy=False)

    def backward(self, dy):
        return np.zeros_like(dy) if self.posterized else dy

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": list(self.value_range)}
