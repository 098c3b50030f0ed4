"""RandomHue: training images' hues rotated by a random angle."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RGBLayer, config_factor, unit_range
from layerwise.layers.preprocessing._value_range import check_value_range
from layerwise.ops.hsv import hue_rotate, hue_rotate_backward


class RandomHue(RGBLayer):
    """In training, each image's hue H (in turns, [0, 1)) is rotated by δ_n = ±u_n / 2, u_n ~ U[lower, upper] and the
    sign a fair coin (as Keras), S and V kept: y = clip(hsv_to_rgb((H + δ_n) mod 1, S, V), low, high). In RGB, with
    M and m a pixel's largest and smallest channel and C = M - m, y_c = M - C t(k_c + 6 δ_n) (see
    `layerwise.ops.hsv`); dJ/dx follows M, m and the hue's ratio h = (x_a - x_b) / C (`hue_rotate_backward`), on
    the entries left unclipped. The identity at inference.

    Args:
        factor: a number f in [0, 1] (u in [0, f]) or a pair within [0, 1]; 1 turns hues by up to half a turn.
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, 3).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = RandomHue((2 / 3, 2 / 3), value_range=(0, 1), seed=0)  # a third of a turn: red to green or blue
        >>> y = layer(np.array([[[[1.0, 0.0, 0.0]]]]), training=True)[0, 0, 0]
        >>> sorted(y.tolist())
        [0.0, 0.0, 1.0]

    References:
        Keras ``keras.layers.RandomHue``; A. R. Smith, Color gamut transform pairs (1978), for HSV.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.turn_range = factor, unit_range("RandomHue", "factor", factor)
        self.value_range = check_value_range("RandomHue", value_range)
        self.record = None

    def forward(self, x, training=False):
        self.record = None
        if not training:
            return x
        sign = np.where(self.rng.uniform(size=len(x)) > 0.5, -1.0, 1.0)
        turns = (sign * self.rng.uniform(*self.turn_range, size=len(x)) / 2).reshape(-1, 1, 1, 1)
        y, self.record = hue_rotate(x, turns)
        self.unclipped = (y > self.value_range[0]) & (y < self.value_range[1])
        return np.clip(y, *self.value_range, out=y)

    def backward(self, dy):
        return dy if self.record is None else hue_rotate_backward(dy * self.unclipped, self.record)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": list(self.value_range)}
