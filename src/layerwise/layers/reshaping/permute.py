"""Permute: the axes after the batch axis, reordered."""

import numpy as np

from layerwise.layers.base import Layer


class Permute(Layer):
    """y = x with its axes 1..k reordered by ``dims``; dJ/dx = dJ/dy with the inverse order.

    Args:
        dims: a permutation of 1..k (the batch axis 0 stays first), e.g. (2, 1) swaps two axes.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, d1, ..., dk).

    Output shape:
        (batch, d_dims[0], ..., d_dims[k-1]).

    Example:
        >>> import numpy as np
        >>> Permute((2, 1))(np.zeros((1, 3, 4))).shape
        (1, 4, 3)

    References:
        Keras ``keras.layers.Permute``.
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"Permute: dims must be a permutation of 1..{len(dims)} (the batch axis is not "
                             f"permuted), received {dims!r}")
        self.dims = dims

    def build(self, input_shape):
        if len(input_shape) != len(self.dims) + 1:
            raise ValueError(f"Permute '{self.name}': dims {self.dims} need inputs of rank {len(self.dims) + 1}, "
                             f"received shape {tuple(input_shape)}")

    def forward(self, x, training=False):
        return np.transpose(x, (0, *self.dims))

    def backward(self, dy):
        return np.transpose(dy, np.argsort((0, *self.dims)))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}
