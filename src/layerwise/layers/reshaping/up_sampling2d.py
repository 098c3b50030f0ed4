"""UpSampling2D: nearest-neighbour enlargement of each image."""

import numpy as np

from layerwise.layers._spatial import check_rank, normalize_tuple
from layerwise.layers.base import Layer


class UpSampling2D(Layer):
    """y[n, h, w, c] = x[n, h // sh, w // sw, c];  dJ/dx[n, h, w, c] = sum of dJ/dy over its sh x sw block.

    Args:
        size: (sh, sw) or one int (default 2).
        interpolation: "nearest" (the only one supported).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, height * sh, width * sw, channels).

    Example:
        >>> import numpy as np
        >>> UpSampling2D()(np.array([[[[1.0], [2.0]]]]))[0, :, :, 0]
        array([[1., 1., 2., 2.],
               [1., 1., 2., 2.]], dtype=float32)
    """

    def __init__(self, size=2, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(size, 2, "size", "UpSampling2D")
        if interpolation != "nearest":
            raise ValueError(f"UpSampling2D: interpolation must be 'nearest', received {interpolation!r}")
        self.interpolation = interpolation

    def build(self, input_shape):
        check_rank(input_shape, 4, f"UpSampling2D '{self.name}'")

    def forward(self, x, training=False):
        n, h, w, c = x.shape
        (sh, sw) = self.size
        y = np.empty((n, h, sh, w, sw, c), dtype=x.dtype)
        y[...] = x[:, :, None, :, None, :]
        return y.reshape(n, h * sh, w * sw, c)

    def backward(self, dy):
        n, hs, ws, c = dy.shape
        (sh, sw) = self.size
        return dy.reshape(n, hs // sh, sh, ws // sw, sw, c).sum(axis=(2, 4))

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        return (n, None if h is None else h * self.size[0], None if w is None else w * self.size[1], c)

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "interpolation": self.interpolation}
