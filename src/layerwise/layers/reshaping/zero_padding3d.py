"""ZeroPadding3D: zeros added around each volume."""

import numpy as np

from layerwise.layers._spatial import LAYOUTS, check_rank
from layerwise.layers.base import Layer
from layerwise.layers.reshaping._steps import normalize_volume_pairs


class ZeroPadding3D(Layer):
    """y = x with (before, after) zeros on each of the three spatial axes; dJ/dx = the matching slice of dJ/dy.

    Args:
        padding: an int, three ints or three pairs ((front, back), (top, bottom), (left, right)) (default 1 each).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, padded depth, padded height, padded width, channels).

    Example:
        >>> import numpy as np
        >>> ZeroPadding3D(((1, 0), (0, 1), (2, 2)))(np.ones((1, 2, 2, 2, 1))).shape
        (1, 3, 3, 6, 1)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_volume_pairs(padding, "padding", "ZeroPadding3D")

    def build(self, input_shape):
        check_rank(input_shape, 5, f"ZeroPadding3D '{self.name}'", LAYOUTS[3])

    def forward(self, x, training=False):
        return np.pad(x, ((0, 0), *self.padding, (0, 0)))

    def backward(self, dy):
        return dy[(slice(None), *(slice(before, size - after) for (before, after), size in
                                  zip(self.padding, dy.shape[1:4])))]

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(None if size is None else size + sum(pair)
                                  for size, pair in zip(input_shape[1:4], self.padding)), input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "padding": [list(pair) for pair in self.padding]}
