"""Normalization: standardize features with a mean and variance given or learned by `adapt`."""

import numpy as np

from layerwise import config
from layerwise.layers.base import Layer


class Normalization(Layer):
    """y = (x - mu) / max(sigma, eps) per feature (``invert=True``: y = x * max(sigma, eps) + mu).

    mu and sigma^2 = var are per index of the ``axis`` dimensions, computed by `adapt` over every
    other axis (or given). They are not trained: dJ/dx = dJ/dy / max(sigma, eps) (times, when
    inverted). Before `adapt` the layer holds mu = 0, var = 1.

    Args:
        axis: the axis or axes that keep separate statistics (-1: one per feature), None for one
            scalar mean and variance.
        mean, variance: the statistics, broadcastable to the kept axes; None to learn them by `adapt`.
        invert: apply the inverse map (undo a normalization).
        **kwargs: `Layer` arguments.

    Input shape:
        Any, (batch, ...).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = Normalization()
        >>> layer.adapt(np.array([[1.0, 10.0], [3.0, 30.0]]))
        >>> layer(np.array([[2.0, 30.0]])).tolist()
        [[0.0, 1.0]]

    References:
        Lecture 002 (input normalization); Keras ``Normalization``.
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        if (mean is None) != (variance is None):
            raise ValueError(f"Normalization: give both mean and variance or neither, received mean={mean!r}, "
                             f"variance={variance!r}")
        self.axis = (axis,) if isinstance(axis, int) else (() if axis is None else tuple(axis))
        self.given_axis, self.mean, self.variance, self.invert = axis, mean, variance, invert
        self.std = None

    def build(self, input_shape):
        rank = len(input_shape)
        if any(not -rank < a < rank or a % rank == 0 for a in self.axis):
            raise ValueError(f"Normalization: axis {self.given_axis!r} must name non-batch axes of inputs of "
                             f"rank {rank}")
        axes = sorted({a % rank for a in self.axis})
        self.broadcast_shape = tuple(input_shape[a] if a in axes else 1 for a in range(rank))
        self.reduce_axes = tuple(a for a in range(rank) if a not in axes)
        shape = [input_shape[a] for a in axes]
        self.adapt_mean = self.add_weight("mean", shape, "zeros", trainable=False)
        self.adapt_variance = self.add_weight("variance", shape, "ones", trainable=False)
        if self.mean is not None:
            self.adapt_mean.assign(np.broadcast_to(np.asarray(self.mean, dtype=self.dtype), shape))
            self.adapt_variance.assign(np.broadcast_to(np.asarray(self.variance, dtype=self.dtype), shape))

    def adapt(self, data):
        """Set mu and var to the statistics of ``data``: an array, or an iterable of batches (x or (x, y))."""
        batches = [np.asarray(data)] if hasattr(data, "shape") else (
            np.asarray(b[0] if isinstance(b, tuple) else b) for b in data)
        count, total, squares = 0, 0.0, 0.0
        for batch in batches:
            if not self.built:
                self.build_for(batch.shape)
            self.check_input(batch.astype(self.dtype, copy=False))
            # Shifted sums (shift = the first batch's mean) keep the variance accurate for large means.
            if count == 0:
                shift = batch.mean(axis=self.reduce_axes, dtype=np.float64).reshape(self.broadcast_shape)
            centred = batch - shift
            count += batch.size // int(np.prod(self.broadcast_shape))
            total = total + centred.sum(axis=self.reduce_axes, dtype=np.float64)
            squares = squares + np.square(centred, dtype=np.float64).sum(axis=self.reduce_axes)
        if count == 0:
            raise ValueError(f"Layer '{self.name}' (Normalization).adapt: received no data")
        mean_offset = total / count
        self.adapt_mean.assign(shift.reshape(self.adapt_mean.shape) + mean_offset.reshape(self.adapt_mean.shape))
        self.adapt_variance.assign(np.maximum(squares / count - mean_offset ** 2, 0).reshape(self.adapt_mean.shape))

    def forward(self, x, training=False):
        mean = self.adapt_mean.value.reshape(self.broadcast_shape)
        self.std = np.maximum(np.sqrt(self.adapt_variance.value), config.epsilon()).reshape(self.broadcast_shape)
        return x * self.std + mean if self.invert else (x - mean) / self.std

    def backward(self, dy):
        return dy * self.std if self.invert else dy / self.std

    def get_config(self):
        def listed(value):
            return np.asarray(value).tolist() if value is not None else None
        return {**super().get_config(), "axis": self.given_axis, "mean": listed(self.mean),
                "variance": listed(self.variance), "invert": self.invert}
