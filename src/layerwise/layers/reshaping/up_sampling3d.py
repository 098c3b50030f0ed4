"""UpSampling3D: each voxel repeated along the three spatial axes."""

from layerwise.layers._spatial import LAYOUTS, check_rank, normalize_tuple
from layerwise.layers.base import Layer


class UpSampling3D(Layer):
    """y[n, d, h, w, c] = x[n, d // s_d, h // s_h, w // s_w, c]; dJ/dx = the sum of dJ/dy over each block.

    Args:
        size: (s_d, s_h, s_w) or one int (default 2).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, depth s_d, height s_h, width s_w, channels).

    Example:
        >>> import numpy as np
        >>> UpSampling3D((1, 2, 3))(np.ones((1, 2, 2, 2, 1))).shape
        (1, 2, 4, 6, 1)
    """

    def __init__(self, size=(2, 2, 2), **kwargs):
        super().__init__(**kwargs)
        self.size = normalize_tuple(size, 3, "size", "UpSampling3D")

    def build(self, input_shape):
        check_rank(input_shape, 5, f"UpSampling3D '{self.name}'", LAYOUTS[3])

    def forward(self, x, training=False):
        for axis, repeats in enumerate(self.size, start=1):
            x = x.repeat(repeats, axis=axis)
        return x

    def backward(self, dy):
        n, depth, height, width, channels = dy.shape
        (sd, sh, sw) = self.size
        return dy.reshape(n, depth // sd, sd, height // sh, sh, width // sw, sw, channels).sum(axis=(2, 4, 6))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(None if size is None else size * s for size, s in zip(input_shape[1:4], self.size)),
                input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "size": list(self.size)}
