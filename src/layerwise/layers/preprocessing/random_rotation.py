"""RandomRotation: rotate each training image by a random angle about its centre."""

import math

import numpy as np

from layerwise.layers.preprocessing._augmentation import AffineAugmentation, config_factor, factor_range


class RandomRotation(AffineAugmentation):
    """Rotate every image by its own random angle when training; the identity at inference.

    The angle is theta_n ~ U[lower, upper] * 2 pi, counter-clockwise for theta > 0 (Keras's convention:
    a quarter turn, factor 0.25, equals ``np.rot90`` over the height and width axes). With the centre
    (c_x, c_y) = ((W - 1)/2, (H - 1)/2), the output pixel (x, y) samples the input at

        x_in - c_x = cos(theta) (x - c_x) - sin(theta) (y - c_y),
        y_in - c_y = sin(theta) (x - c_x) + cos(theta) (y - c_y).

    Backward: dJ/dx is the transposed resampling of dJ/dy.

    Args:
        factor: a fraction f of a full turn (angles in [-2 pi f, 2 pi f]) or a pair (lower, upper);
            lecture 003's 15 degrees is ``factor=15/360``.
        fill_mode, interpolation, seed, fill_value, **kwargs: as `RandomTranslation`.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
        >>> y = RandomRotation((0.25, 0.25))(x, training=True)
        >>> np.allclose(y, np.rot90(x, axes=(1, 2)))
        True

    References:
        Lecture 003 (data augmentation: digits rotated by 15 degrees); Keras ``RandomRotation``.
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = factor
        self.factor_range = factor_range("RandomRotation", "factor", factor)

    def draw_transforms(self, count, height, width):
        angle = self.rng.uniform(*self.factor_range, size=count) * (2 * math.pi)
        cos, sin = np.cos(angle), np.sin(angle)
        center_x, center_y = (width - 1) / 2, (height - 1) / 2
        offset_x = center_x - cos * center_x + sin * center_y
        offset_y = center_y - sin * center_x - cos * center_y
        return np.stack([cos, -sin, offset_x, sin, cos, offset_y], axis=1)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor)}
