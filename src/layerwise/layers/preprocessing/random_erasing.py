"""RandomErasing: a random rectangle of each training image replaced by noise or a constant."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, random_boxes, unit_range
from layerwise.layers.preprocessing._value_range import check_value_range


def _check_fill_value(fill_value):
    if fill_value is None or (np.ndim(fill_value) == 0 and not isinstance(fill_value, (bool, str))):
        return fill_value
    if isinstance(fill_value, (tuple, list)) and len(fill_value) == 3:
        return list(fill_value)
    raise ValueError(f"RandomErasing: fill_value must be None, a number or three numbers, received {fill_value!r}")


class RandomErasing(RandomLayer):
    """In training, each image is erased with probability p_n ~ U[lower, upper] of ``factor`` (Keras's coin: where
    u_n ~ U(0, 1) < p_n): the box of width sqrt(a) W and height sqrt(b) H, with a, b ~ U(scale) and its corner
    uniform inside the image, takes the fill F: y = F in the box, x elsewhere, and dJ/dx = dJ/dy outside the erased
    boxes, 0 inside. F is clip(high z, low, high) with z ~ N(0, 1) per entry when ``fill_value`` is None (as Keras),
    else the constant (one per channel for three numbers), clipped to the range. The identity at inference.

    Args:
        factor: the probability's range: a number f in [0, 1] ((0, f)) or a pair within [0, 1] (default 1.0).
        scale: the range (lower, upper) within [0, 1] that each side's squared fraction is drawn from (a number s
            means (0, s)); default (0.02, 0.33).
        fill_value: None (clipped Gaussian noise), a number, or three numbers (RGB).
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = RandomErasing((1.0, 1.0), scale=(0.25, 0.25), fill_value=0.0, value_range=(0, 1), seed=0)
        >>> int((layer(np.ones((1, 4, 4, 1)), training=True) == 0).sum())  # a 2 x 2 box
        4

    References:
        Z. Zhong et al., Random Erasing Data Augmentation (AAAI 2020); Keras ``keras.layers.RandomErasing``.
    """

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.probability_range = factor, unit_range("RandomErasing", "factor", factor)
        self.scale, self.scale_range = scale, unit_range("RandomErasing", "scale", scale)
        self.fill_value = _check_fill_value(fill_value)
        self.value_range = check_value_range("RandomErasing", value_range)
        self.erased = None

    def forward(self, x, training=False):
        self.erased = None
        if not training:
            return x
        height, width = x.shape[1:3]
        sides = np.sqrt(self.rng.uniform(*self.scale_range, size=(len(x), 2))) * [width, height]
        boxes = random_boxes(self.rng, sides, height, width)
        self.erased = boxes & self.draw_applied(len(x), self.probability_range)[:, None, None, None]
        if self.fill_value is None:
            fill = self.rng.standard_normal(x.shape) * self.value_range[1]
        else:
            fill = np.broadcast_to(np.asarray(self.fill_value, dtype=np.float64), x.shape[-1:])
        fill = np.clip(fill, *self.value_range).astype(x.dtype)
        return np.where(self.erased, fill, x)

    def backward(self, dy):
        return dy if self.erased is None else np.where(self.erased, 0, dy).astype(dy.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "scale": config_factor(self.scale),
                "fill_value": self.fill_value, "value_range": list(self.value_range)}
