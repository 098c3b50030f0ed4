"""RandomSaturation: training images' colour saturation scaled by a random factor."""

from layerwise.layers.preprocessing._augmentation import RGBLayer, config_factor, unit_range
from layerwise.layers.preprocessing._value_range import check_value_range
from layerwise.ops.hsv import saturate, saturate_backward


class RandomSaturation(RGBLayer):
    """In training, each image's HSV saturation S is scaled by s_n = u_n / (1 - u_n + 1e-7), u_n ~ U[lower, upper]
    (u = 0.5 keeps the image, 0 makes it grey, 1 fully saturated; as Keras), capped at 1, hue H and value V kept.
    In RGB, on pixels shifted by ``low`` (M, m a pixel's largest and smallest channel, C = M - m):
    y = M + s_n (x - M) while s_n C <= M, y_c = M (x_c - m) / C above; dJ/dx follows M and m (`saturate_backward`).
    The identity at inference.

    Keras clips the scaled S to ``value_range`` rather than to [0, 1] (with (0, 255) an S above 1 gives negative
    pixels), and its single-number factor draws from (-f, f) though documented as (0, f): here S is capped at 1 and
    a number f means (0, f).

    Args:
        factor: a number f in [0, 1] (u in [0, f]) or a pair within [0, 1].
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, 3).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = RandomSaturation((0.0, 0.0), value_range=(0, 1), seed=0)  # s = 0: grey at the pixel's maximum
        >>> layer(np.array([[[[0.8, 0.4, 0.2]]]]), training=True)[0, 0, 0]
        array([0.8, 0.8, 0.8], dtype=float32)

    References:
        Keras ``keras.layers.RandomSaturation``.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.draw_range = factor, unit_range("RandomSaturation", "factor", factor)
        self.value_range = check_value_range("RandomSaturation", value_range)
        self.record = None

    def forward(self, x, training=False):
        self.record = None
        if not training:
            return x
        u = self.rng.uniform(*self.draw_range, size=(len(x), 1, 1, 1))
        low = self.value_range[0]
        y, self.record = saturate(x - low, u / (1 - u + 1e-7))
        return y + low

    def backward(self, dy):
        return dy if self.record is None else saturate_backward(dy, self.record)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": list(self.value_range)}
