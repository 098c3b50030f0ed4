"""RandomShear: training images sheared along x and y by random factors."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import AffineAugmentation, config_factor


def _shear_range(argument, factor):
    """Keras's shear factor: a number f in [0, 1] means (-f, f); a pair of numbers in [0, 1] is sorted."""
    values = [factor] if np.ndim(factor) == 0 else list(factor)
    if len(values) not in (1, 2) or not all(0 <= value <= 1 for value in values):
        raise ValueError(f"RandomShear: {argument} must be a number in [0, 1] or a pair of them, received {factor!r}")
    return (-float(values[0]), float(values[0])) if len(values) == 1 else tuple(sorted(map(float, values)))


class RandomShear(AffineAugmentation):
    """In training, image n is resampled at the sheared points x_in = x + s_x y, y_in = s_y x + y of its output
    points (about the top-left corner, as Keras), with s_x ~ U(x range), s_y ~ U(y range), both negated together
    for half of the images; backward through the resampling (`AffineAugmentation`). The identity at inference.

    Args:
        x_factor: a number f in [0, 1] (s_x in [-f, f]) or a pair within [0, 1] (default 0: no shear along x).
        y_factor: the same for s_y.
        interpolation, fill_mode, fill_value: as `RandomRotation` ("bilinear", "reflect", 0).
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = RandomShear(x_factor=0.3, seed=0)
        >>> layer(np.ones((2, 4, 4, 1)), training=True).shape
        (2, 4, 4, 1)
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 seed=None, **kwargs):
        super().__init__(fill_mode=fill_mode, interpolation=interpolation, seed=seed, fill_value=fill_value, **kwargs)
        self.x_factor, self.y_factor = x_factor, y_factor
        self.x_range, self.y_range = _shear_range("x_factor", x_factor), _shear_range("y_factor", y_factor)

    def draw_transforms(self, count, height, width):
        sign = np.where(self.rng.uniform(size=count) > 0.5, -1.0, 1.0)
        shear_y = self.rng.uniform(*self.y_range, size=count) * sign
        shear_x = self.rng.uniform(*self.x_range, size=count) * sign
        one, zero = np.ones(count), np.zeros(count)
        return np.stack([one, shear_x, zero, shear_y, one, zero], axis=1)

    def get_config(self):
        return {**super().get_config(), "x_factor": config_factor(self.x_factor),
                "y_factor": config_factor(self.y_factor)}
