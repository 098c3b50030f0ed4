"""Solarization: training images brightened and inverted above a threshold, by random amounts."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, unit_range
from layerwise.layers.preprocessing._value_range import check_value_range


class Solarization(RandomLayer):
    """In training, with pixels mapped from ``value_range`` to [0, 255], r = clip(x + c_n, 0, 255) and y = r where
    r < t_n, 255 - r elsewhere (mapped back), as Keras draws them: c_n ~ U(lower, 255 upper) of
    ``addition_factor``, t_n ~ U(lower, 255 upper) of ``threshold_factor`` (Keras scales only the upper bound; with
    the defaults t = 0 and every pixel is inverted). dJ/dx = ±dJ/dy (− where inverted) where r was not clipped,
    0 elsewhere. The identity at inference.

    Args:
        addition_factor: a number f in [0, 1] ((0, f)) or a pair within [0, 1] (default 0).
        threshold_factor: the same for the threshold (default 0).
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> Solarization(value_range=(0, 1), seed=0)(np.array([[[[0.25], [0.5]]]]), training=True)[0, 0, :, 0]
        array([0.75, 0.5 ], dtype=float32)
    """

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.addition_factor, self.threshold_factor = addition_factor, threshold_factor
        self.addition_range = unit_range("Solarization", "addition_factor", addition_factor)
        self.threshold_range = unit_range("Solarization", "threshold_factor", threshold_factor)
        self.value_range = check_value_range("Solarization", value_range)
        self.slope = None

    def forward(self, x, training=False):
        self.slope = None
        if not training:
            return x
        low, high = self.value_range
        scale = 255.0 / (high - low)
        additions, thresholds = (self.rng.uniform(lower, upper * 255, size=(len(x), 1, 1, 1))
                                 for lower, upper in (self.addition_range, self.threshold_range))
        shifted = (x - low) * scale + additions
        r = np.clip(shifted, 0, 255)
        below = r < thresholds
        self.slope = (np.where(below, 1.0, -1.0) * ((shifted > 0) & (shifted < 255))).astype(x.dtype)
        return (np.where(below, r, 255 - r) / scale + low).astype(x.dtype, copy=False)

    def backward(self, dy):
        return dy if self.slope is None else dy * self.slope

    def get_config(self):
        return {**super().get_config(), "addition_factor": config_factor(self.addition_factor),
                "threshold_factor": config_factor(self.threshold_factor), "value_range": list(self.value_range)}
