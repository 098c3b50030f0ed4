"""RandomSharpness: training images blended away from (or towards) a smoothed copy by a random factor."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, unit_range
from layerwise.layers.preprocessing._value_range import check_value_range
from layerwise.ops.filters import separable_filter

#: Keras's (and PIL's) smoothing kernel [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 = (box 3 x 3 + 4 δ) / 13.
_BOX = np.ones((1, 3))


def _smooth(x):
    """S x = (box(x) + 4 x) / 13 with zeros outside the image; S is symmetric, so S is its own transpose."""
    boxes = np.broadcast_to(_BOX, (len(x), 3))
    return (separable_filter(x, boxes, boxes) + 4 * x) / 13


class RandomSharpness(RandomLayer):
    """In training, y = clip(x + (1 - 2 f_n)(S x - x), low, high) with S Keras's 3 x 3 smoothing (weights 1/13 around,
    5/13 in the centre, zeros outside the image) and f_n ~ U[lower, upper] per image: f = 0 gives S x, f = 0.5 the
    image, f = 1 sharpens (2x - S x). Linear in x with S symmetric: dJ/dx = w g + (1 - w) S g, w = 2 f_n and g = dJ/dy
    where unclipped. The identity at inference.

    Args:
        factor: a number f in [0, 1] ((0, f)) or a pair within [0, 1].
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> x = np.full((1, 3, 3, 1), 0.5); x[0, 1, 1, 0] = 0.7
        >>> y = RandomSharpness((1.0, 1.0), value_range=(0, 1), seed=0)(x, training=True)
        >>> round(float(y[0, 1, 1, 0]), 4)  # 2 x - S x: the centre moves away from its neighbours
        0.8231

    References:
        Keras ``keras.layers.RandomSharpness``; PIL's ``ImageEnhance.Sharpness``.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.draw_range = factor, unit_range("RandomSharpness", "factor", factor)
        self.value_range = check_value_range("RandomSharpness", value_range)
        self.weight = None

    def forward(self, x, training=False):
        self.weight = None
        if not training:
            return x
        self.weight = (2 * self.rng.uniform(*self.draw_range, size=(len(x), 1, 1, 1))).astype(x.dtype)
        y = self.weight * x + (1 - self.weight) * _smooth(x)
        self.unclipped = (y > self.value_range[0]) & (y < self.value_range[1])
        return np.clip(y, *self.value_range, out=y)

    def backward(self, dy):
        if self.weight is None:
            return dy
        kept = dy * self.unclipped
        return self.weight * kept + (1 - self.weight) * _smooth(kept)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": list(self.value_range)}
