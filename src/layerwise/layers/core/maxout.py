"""Maxout: the maximum over groups of k linear pieces (Goodfellow et al. 2013)."""

import math

import numpy as np

from layerwise.layers.base import Layer, format_shape
from layerwise.utils._arguments import check_integer


class Maxout(Layer):
    """Maxout units: each output is the largest of k consecutive channels of its input.

    The preceding linear layer computes k pieces per unit, z_ij = x^T W_.ij + b_ij (a Dense layer with
    num_units * k units, or a convolution with num_units * k filters); this layer takes
        h_i(x) = max_{j in [1, k]} z_ij                              (Goodfellow et al., eq. 1)
    over the channel axis, where channel c belongs to unit i = c // k and piece j = c % k. The backward
    pass routes dJ/dh_i to the winning piece: dJ/dz_ij = dJ/dh_i if j = argmax_j' z_ij' else 0 (on a
    tie, the first winner takes it).

    The tables' "maxout network" is therefore ``Dense(num_units * k)`` (or ``Conv2D(num_units * k, ...)``)
    followed by ``Maxout(num_units)``: the linear layer owns all the weights and this layer none.

    Args:
        num_units: the number of maxout units; the channel count C must be a multiple of it, k = C / num_units.
        axis: the channel axis (default -1: the last axis, of (N, C) and of NHWC feature maps).
        **kwargs: `Layer` arguments.

    Input shape:
        Any shape with C = num_units * k channels on ``axis``.

    Output shape:
        The input shape with num_units channels on ``axis``.

    Example:
        >>> import numpy as np
        >>> Maxout(3)(np.array([[1.0, 5.0, -2.0, -3.0, 0.5, 0.25]]))
        array([[ 5. , -2. ,  0.5]], dtype=float32)
        >>> from layerwise import Sequential
        >>> from layerwise.layers import Dense
        >>> maxout_mlp = Sequential([Dense(3 * 2, input_dim=4), Maxout(3), Dense(10, activation="softmax")])
        >>> maxout_mlp.predict(np.ones((5, 4)), verbose=0).shape
        (5, 10)

    References:
        I. Goodfellow, D. Warde-Farley, M. Mirza, A. Courville, Y. Bengio, "Maxout Networks", ICML 2013.
        Lecture 002 (SVHN and CIFAR tables: "Conv Net + maxout").
    """

    def __init__(self, num_units, axis=-1, **kwargs):
        super().__init__(**kwargs)
        check_integer(num_units, "num_units", "Maxout")
        if not isinstance(axis, int) or isinstance(axis, bool) or axis == 0:
            raise ValueError(f"Maxout: axis must be a non-batch axis (a non-zero integer), received {axis!r}")
        self.num_units, self.axis = num_units, axis

    def _channel_axis(self, input_shape):
        if not -len(input_shape) < self.axis < len(input_shape):
            raise ValueError(f"Layer '{self.name}' (Maxout): axis {self.axis} is out of range for inputs "
                             f"of shape {format_shape(input_shape)}")
        return self.axis % len(input_shape)

    def build(self, input_shape):
        channels = input_shape[self._channel_axis(input_shape)]
        if channels % self.num_units:
            raise ValueError(
                f"Layer '{self.name}' (Maxout): the {channels} channels of inputs of shape "
                f"{format_shape(input_shape)} are not a multiple of num_units={self.num_units}")

    def forward(self, x, training=False):
        axis = self._channel_axis(x.shape)
        pieces = x.shape[axis] // self.num_units
        # (outer, units, pieces, inner) is a view of x for any channel axis: no transpose copy.
        grouped = x.reshape(math.prod(x.shape[:axis]), self.num_units, pieces, -1)
        self.winner = grouped.argmax(axis=2)[:, :, None, :]
        self.x_shape = x.shape
        return np.take_along_axis(grouped, self.winner, axis=2).reshape(self.compute_output_shape(x.shape))

    def backward(self, dy):
        outer, units, _, inner = self.winner.shape
        dx = np.zeros((outer, units, self.x_shape[self._channel_axis(self.x_shape)] // units, inner),
                      dtype=dy.dtype)
        np.put_along_axis(dx, self.winner, dy.reshape(outer, units, 1, inner), axis=2)
        return dx.reshape(self.x_shape)

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        shape[self._channel_axis(input_shape)] = self.num_units
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "num_units": self.num_units, "axis": self.axis}
