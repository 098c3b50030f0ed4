"""ZeroPadding1D: zeros added at both ends of each sequence."""

import numpy as np

from layerwise.layers._spatial import check_rank
from layerwise.layers.base import Layer
from layerwise.layers.reshaping._steps import normalize_ends


class ZeroPadding1D(Layer):
    """y = [0 (left steps), x, 0 (right steps)] along the steps; dJ/dx = dJ/dy[:, left : left + L].

    Args:
        padding: an int, or (left, right) (default 1).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, steps, features).

    Output shape:
        (batch, steps + left + right, features).

    Example:
        >>> import numpy as np
        >>> ZeroPadding1D((1, 2))(np.ones((1, 2, 1)))[0, :, 0]
        array([0., 1., 1., 0., 0.], dtype=float32)
    """

    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = normalize_ends(padding, "padding", "ZeroPadding1D")

    def build(self, input_shape):
        check_rank(input_shape, 3, f"ZeroPadding1D '{self.name}'", "(batch, steps, features)")

    def forward(self, x, training=False):
        return np.pad(x, ((0, 0), self.padding, (0, 0)))

    def backward(self, dy):
        left, right = self.padding
        return dy[:, left:dy.shape[1] - right]

    def compute_output_shape(self, input_shape):
        n, steps, features = input_shape
        return (n, None if steps is None else steps + sum(self.padding), features)

    def get_config(self):
        return {**super().get_config(), "padding": list(self.padding)}
