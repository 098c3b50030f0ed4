"""UpSampling1D: every step repeated."""

from layerwise.layers._spatial import check_rank
from layerwise.layers.base import Layer
from layerwise.utils._arguments import check_integer


class UpSampling1D(Layer):
    """y[n, t, c] = x[n, t // s, c]; dJ/dx[n, t, c] = sum of dJ/dy over its s repetitions.

    Args:
        size: s, the repetitions of each step (default 2).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, steps, features).

    Output shape:
        (batch, steps * s, features).

    Example:
        >>> import numpy as np
        >>> UpSampling1D()(np.array([[[1.0], [2.0]]]))[0, :, 0]
        array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = check_integer(size, "size", "UpSampling1D")

    def build(self, input_shape):
        check_rank(input_shape, 3, f"UpSampling1D '{self.name}'", "(batch, steps, features)")

    def forward(self, x, training=False):
        return x.repeat(self.size, axis=1)

    def backward(self, dy):
        n, steps, features = dy.shape
        return dy.reshape(n, steps // self.size, self.size, features).sum(axis=2)

    def compute_output_shape(self, input_shape):
        n, steps, features = input_shape
        return (n, None if steps is None else steps * self.size, features)

    def get_config(self):
        return {**super().get_config(), "size": self.size}
