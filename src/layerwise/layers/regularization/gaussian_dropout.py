"""GaussianDropout: multiplicative noise with mean 1."""

import math

from layerwise.layers.regularization._stochastic import _StochasticLayer, check_rate


class GaussianDropout(_StochasticLayer):
    """y = x ⊙ n with n ~ N(1, p / (1 - p)) drawn afresh in each training pass; y = x at inference.

    The variance p / (1 - p) is that of inverted dropout's multiplier m / q, so it regularizes like
    Dropout(p) without zeroing units. Backward: dJ/dx = dJ/dy ⊙ n, with the forward pass's n.

    Args:
        rate: p in [0, 1).
        seed: seed of the layer's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = GaussianDropout(0.5)
        >>> layer(np.ones((1, 3)))
        array([[1., 1., 1.]], dtype=float32)

    References:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from Overfitting", JMLR 2014,
        section 10 (multiplicative Gaussian noise).
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate("GaussianDropout", rate)
        self.noise = None

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self.noise = None
            return x
        self.noise = self.generator().standard_normal(x.shape, dtype=x.dtype)
        self.noise *= math.sqrt(self.rate / (1.0 - self.rate))
        self.noise += 1.0
        return x * self.noise

    def backward(self, dy):
        return dy if self.noise is None else dy * self.noise

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}
