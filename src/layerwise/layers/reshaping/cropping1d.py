"""Cropping1D: steps removed from both ends of each sequence."""

import numpy as np

from layerwise.layers._spatial import check_rank
from layerwise.layers.base import Layer
from layerwise.layers.reshaping._steps import normalize_ends


class Cropping1D(Layer):
    """y = x[:, left : L - right]; dJ/dx = dJ/dy padded back with zeros.

    Args:
        cropping: an int, or (left, right) (default (1, 1), as Keras).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, steps, features).

    Output shape:
        (batch, steps - left - right, features).

    Example:
        >>> import numpy as np
        >>> Cropping1D((1, 2))(np.arange(5.0).reshape(1, 5, 1))[0, :, 0]
        array([1., 2.], dtype=float32)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = normalize_ends(cropping, "cropping", "Cropping1D")

    def build(self, input_shape):
        check_rank(input_shape, 3, f"Cropping1D '{self.name}'", "(batch, steps, features)")
        steps = self.compute_output_shape(input_shape)[1]
        if steps is not None and steps <= 0:
            raise ValueError(f"Cropping1D '{self.name}': cropping {self.cropping} leaves nothing of an input of "
                             f"shape {tuple(input_shape)}")

    def forward(self, x, training=False):
        left, right = self.cropping
        return x[:, left:x.shape[1] - right]

    def backward(self, dy):
        return np.pad(dy, ((0, 0), self.cropping, (0, 0)))

    def compute_output_shape(self, input_shape):
        n, steps, features = input_shape
        return (n, None if steps is None else steps - sum(self.cropping), features)

    def get_config(self):
        return {**super().get_config(), "cropping": list(self.cropping)}
