"""RandomTranslation: shift each training image by a random fraction of its size."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import AffineAugmentation, config_factor, factor_range


class RandomTranslation(AffineAugmentation):
    """Shift every image by its own random (dy, dx) when training; the identity at inference.

    For image n, dy_n ~ U[h_lo, h_up] * H and dx_n ~ U[w_lo, w_up] * W (pixels, not rounded), and
    y_n(row, col) = x_n(row - dy_n, col - dx_n), interpolated and filled per ``fill_mode``: content
    moves down by dy_n and right by dx_n. Backward: dJ/dx is the transposed resampling of dJ/dy (the
    shift in the opposite direction where nothing falls outside the image).

    Args:
        height_factor: a fraction f of the height (shifts in [-f, f]) or a pair (lower, upper);
            negative values shift up.
        width_factor: the same for the width; negative values shift left.
        fill_mode: "reflect", "wrap", "constant" or "nearest" (see `layerwise.ops.affine`).
        interpolation: "bilinear" or "nearest".
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        fill_value: the value outside the image when ``fill_mode="constant"``.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> x = np.zeros((1, 4, 4, 1)); x[0, 1, 1, 0] = 1
        >>> layer = RandomTranslation((0.5, 0.5), (0.25, 0.25), fill_mode="constant")
        >>> np.argwhere(layer(x, training=True)[0, ..., 0]).tolist()
        [[3, 2]]

    References:
        Lecture 003 (data augmentation: shifted digits); Keras ``RandomTranslation``.
    """

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_range = factor_range("RandomTranslation", "height_factor", height_factor, 1.0)
        self.width_range = factor_range("RandomTranslation", "width_factor", width_factor, 1.0)

    def draw_transforms(self, count, height, width):
        shift_y = self.rng.uniform(*self.height_range, size=count) * height
        shift_x = self.rng.uniform(*self.width_range, size=count) * width
        one, zero = np.ones(count), np.zeros(count)
        return np.stack([one, zero, -shift_x, zero, one, -shift_y], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": config_factor(self.height_factor),
                "width_factor": config_factor(self.width_factor)}
