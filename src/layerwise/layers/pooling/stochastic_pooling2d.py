"""StochasticPooling2D: pooling by sampling in proportion to the activations (Zeiler and Fergus 2013)."""

import numpy as np

from layerwise.layers.base import Layer, format_shape
from layerwise.ops.stochastic_pooling import (probability_weighted_pool_backward,
                                              probability_weighted_pool_forward, stochastic_pool_backward,
                                              stochastic_pool_forward)
from layerwise.layers.regularization._stochastic import SeededGenerator
from layerwise.utils._arguments import is_integer


def _pool_size_pair(pool_size):
    pair = (pool_size, pool_size) if isinstance(pool_size, int) and not isinstance(pool_size, bool) else pool_size
    if (not isinstance(pair, (tuple, list)) or len(pair) != 2
            or not all(is_integer(p) for p in pair)):
        raise ValueError(
            f"StochasticPooling2D: pool_size must be a positive integer or a pair of them, received {pool_size!r}")
    return tuple(pair)


class StochasticPooling2D(SeededGenerator, Layer):
    """Stochastic pooling of NHWC feature maps over non-overlapping pool_size windows.

    For a pooling region R_j with activations a_i >= 0 (after a ReLU), the multinomial
        p_i = a_i / sum_{k in R_j} a_k                                  (Zeiler and Fergus, eq. 3)
    is sampled in training: s_j = a_l with l ~ P(p_1, ..., p_|R_j|) (eq. 4), one draw per region,
    channel and sample, from the layer's generator. dJ/da_l = dJ/ds_j at the sampled l, 0 elsewhere.
    At inference the probabilistic weighting (eq. 5) replaces sampling:
        s_j = sum_{i in R_j} p_i a_i = sum a_i^2 / sum a_i,   dJ/da_i = dJ/ds_j (2 a_i - s_j) / sum a_k,
    with s_j = 0 and a zero gradient for an all-zero region. A zero activation is never sampled unless
    its whole region is zero.

    Negative inputs make p meaningless, so they raise a ValueError (put the layer after a ReLU).
    Strides equal the pool size and padding is "valid": rows and columns past the last full window are
    dropped and receive zero gradient. The sampling is training-only behaviour; the inference
    function is deterministic.

    Args:
        pool_size: an integer or a pair (ph, pw), the region size (default 2).
        seed: seed of the layer's own generator (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, rows, cols, channels), non-negative.

    Output shape:
        (batch, rows // ph, cols // pw, channels).

    Example:
        >>> import numpy as np
        >>> x = np.array([1.0, 0.0, 3.0, 0.0]).reshape(1, 2, 2, 1)
        >>> StochasticPooling2D(2)(x).ravel()
        array([2.5], dtype=float32)
        >>> float(StochasticPooling2D(2, seed=0)(x, training=True).ravel()[0]) in (1.0, 3.0)
        True

    References:
        M. Zeiler, R. Fergus, "Stochastic Pooling for Regularization of Deep Convolutional Neural
        Networks", ICLR 2013. Lecture 002 (SVHN and CIFAR tables: "Conv Net + stochastic pooling").
    """

    def __init__(self, pool_size=2, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = _pool_size_pair(pool_size)
        self.init_generator(seed)

    def build(self, input_shape):
        if len(input_shape) != 4 or any(d is not None and d < p for d, p in zip(input_shape[1:3], self.pool_size)):
            raise ValueError(
                f"Layer '{self.name}' (StochasticPooling2D) expects inputs (batch, rows, cols, channels) of at "
                f"least pool_size={self.pool_size}, received {format_shape(input_shape)}")

    def forward(self, x, training=False):
        if x.size and x.min() < 0:
            raise ValueError(
                f"Layer '{self.name}' (StochasticPooling2D) needs non-negative inputs (sampling probabilities "
                f"a_i / sum a), received a minimum of {x.min()}; put it after a ReLU")
        self.x, self.training = x, training
        if training:
            uniform = self.generator().random(self.compute_output_shape(x.shape), dtype=self.dtype)
            y, self.index = stochastic_pool_forward(x, self.pool_size, uniform)
            return y
        self.y, self.total = probability_weighted_pool_forward(x, self.pool_size)
        return self.y

    def backward(self, dy):
        if self.training:
            return stochastic_pool_backward(dy, self.index, self.x.shape, self.pool_size)
        return probability_weighted_pool_backward(dy, self.x, self.y, self.total, self.pool_size)

    def compute_output_shape(self, input_shape):
        n, h, w, c = input_shape
        ph, pw = self.pool_size
        return (n, h // ph, w // pw, c)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "seed": self.seed}
