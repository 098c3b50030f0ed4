"""RandomZoom: zoom each training image in or out by a random factor about its centre."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import AffineAugmentation, config_factor, factor_range


class RandomZoom(AffineAugmentation):
    """Scale every image about its centre by its own random factors when training; identity at inference.

    The zooms are z_y = 1 + U[h_lo, h_up] and z_x = 1 + U[w_lo, w_up] (z > 1 zooms out, z < 1 in), and
    with the centre (c_x, c_y) = ((W - 1)/2, (H - 1)/2) the output pixel (x, y) samples the input at
    x_in = c_x + z_x (x - c_x), y_in = c_y + z_y (y - c_y). Backward: the transposed resampling.

    Args:
        height_factor: a number f (zooms 1 + [-f, f]) or a pair (lower, upper), each above -1;
            positive values zoom out.
        width_factor: the same for the width; None keeps the aspect ratio (z_x = z_y).
        fill_mode, interpolation, seed, fill_value, **kwargs: as `RandomTranslation`.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
        >>> y = RandomZoom((-0.5, -0.5))(x, training=True)
        >>> y[0, :, :, 0].tolist()[0]
        [3.75, 4.25, 4.75, 5.25]

    References:
        Lecture 003 (data augmentation); Keras ``RandomZoom``.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor, self.width_factor = height_factor, width_factor
        self.height_range = factor_range("RandomZoom", "height_factor", height_factor)
        self.width_range = None if width_factor is None else factor_range("RandomZoom", "width_factor", width_factor)
        if min(self.height_range + (self.width_range or (0.0,))) <= -1:
            raise ValueError(f"RandomZoom: factors must be above -1 (a zoom 1 + f > 0), received "
                             f"height_factor={height_factor!r}, width_factor={width_factor!r}")

    def draw_transforms(self, count, height, width):
        zoom_y = 1 + self.rng.uniform(*self.height_range, size=count)
        zoom_x = zoom_y if self.width_range is None else 1 + self.rng.uniform(*self.width_range, size=count)
        center_x, center_y = (width - 1) / 2, (height - 1) / 2
        zero = np.zeros(count)
        return np.stack([zoom_x, zero, center_x * (1 - zoom_x), zero, zoom_y, center_y * (1 - zoom_y)], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": config_factor(self.height_factor),
                "width_factor": config_factor(self.width_factor)}
