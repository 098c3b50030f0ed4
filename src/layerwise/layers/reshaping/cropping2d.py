"""Cropping2D: rows and columns removed from the borders of each image."""

from layerwise.layers._spatial import check_rank, normalize_pairs
from layerwise.layers.base import Layer
from layerwise.ops.conv import crop_spatial, pad_spatial


class Cropping2D(Layer):
    """y = x without its top/bottom rows and left/right columns; dJ/dx = dJ/dy padded back with zeros.

    Args:
        cropping: int, (rows, cols) or ((top, bottom), (left, right)) (default 0).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, height - top - bottom, width - left - right, channels).

    Example:
        >>> import numpy as np
        >>> Cropping2D(((1, 0), (0, 2)))(np.ones((1, 4, 4, 1))).shape
        (1, 3, 2, 1)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_pairs(cropping, "cropping", "Cropping2D")

    def build(self, input_shape):
        check_rank(input_shape, 4, f"Cropping2D '{self.name}'")
        output = self.compute_output_shape(input_shape)
        if any(size is not None and size <= 0 for size in output[1:3]):
            raise ValueError(f"Cropping2D '{self.name}': cropping {self.cropping} leaves nothing of an input "
                             f"of shape {tuple(input_shape)}")

    def forward(self, x, training=False):
        self.input_hw = x.shape[1:3]
        output_hw = self.compute_output_shape(x.shape)[1:3]
        return crop_spatial(x, self.cropping, output_hw)

    def backward(self, dy):
        dx = pad_spatial(dy, self.cropping)
        return dx.copy() if dx is dy else dx

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        (top, bottom), (left, right) = self.cropping
        return (n, None if h is None else h - top - bottom, None if w is None else w - left - right, c)

    def get_config(self):
        return {**super().get_config(), "cropping": [list(pair) for pair in self.cropping]}
