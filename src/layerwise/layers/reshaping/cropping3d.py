"""Cropping3D: borders removed from each volume."""

import numpy as np

from layerwise.layers._spatial import LAYOUTS, check_rank
from layerwise.layers.base import Layer
from layerwise.layers.reshaping._steps import normalize_volume_pairs


class Cropping3D(Layer):
    """y = x without (before, after) entries on each of the three spatial axes; dJ/dx = dJ/dy padded with zeros.

    Args:
        cropping: an int, three ints or three pairs ((front, back), (top, bottom), (left, right)) (default 1 each).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, cropped depth, cropped height, cropped width, channels).

    Example:
        >>> import numpy as np
        >>> Cropping3D(((1, 0), (0, 1), (1, 1)))(np.ones((1, 3, 3, 4, 1))).shape
        (1, 2, 2, 2, 1)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_volume_pairs(cropping, "cropping", "Cropping3D")

    def build(self, input_shape):
        check_rank(input_shape, 5, f"Cropping3D '{self.name}'", LAYOUTS[3])
        if any(size is not None and size <= 0 for size in self.compute_output_shape(input_shape)[1:4]):
            raise ValueError(f"Cropping3D '{self.name}': cropping {self.cropping} leaves nothing of an input of "
                             f"shape {tuple(input_shape)}")

    def forward(self, x, training=False):
        return x[(slice(None), *(slice(before, size - after) for (before, after), size in
                                 zip(self.cropping, x.shape[1:4])))]

    def backward(self, dy):
        return np.pad(dy, ((0, 0), *self.cropping, (0, 0)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(None if size is None else size - sum(pair)
                                  for size, pair in zip(input_shape[1:4], self.cropping)), input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "cropping": [list(pair) for pair in self.cropping]}
