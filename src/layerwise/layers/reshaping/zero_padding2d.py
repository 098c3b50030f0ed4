"""ZeroPadding2D: rows and columns of zeros around each image."""

from layerwise.layers._spatial import check_rank, normalize_pairs
from layerwise.layers.base import Layer
from layerwise.ops.conv import crop_spatial, pad_spatial


class ZeroPadding2D(Layer):
    """y = x with top/bottom rows and left/right columns of zeros added; dJ/dx = the interior of dJ/dy.

    Args:
        padding: int, (rows, cols) or ((top, bottom), (left, right)) (default 1).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, height + top + bottom, width + left + right, channels).

    Example:
        >>> import numpy as np
        >>> ZeroPadding2D(((1, 0), (0, 2)))(np.ones((1, 2, 2, 1))).shape
        (1, 3, 4, 1)

    References:
        Lecture 004 (convolutional networks: padding keeps the border in the receptive fields).
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_pairs(padding, "padding", "ZeroPadding2D")

    def build(self, input_shape):
        check_rank(input_shape, 4, f"ZeroPadding2D '{self.name}'")

    def forward(self, x, training=False):
        self.input_hw = x.shape[1:3]
        y = pad_spatial(x, self.padding)
        return y.copy() if y is x else y

    def backward(self, dy):
        return crop_spatial(dy, self.padding, self.input_hw)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        (top, bottom), (left, right) = self.padding
        return (n, None if h is None else h + top + bottom, None if w is None else w + left + right, c)

    def get_config(self):
        return {**super().get_config(), "padding": [list(pair) for pair in self.padding]}
