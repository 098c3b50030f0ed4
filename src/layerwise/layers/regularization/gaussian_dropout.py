"""GaussianDropout: multiplicative noise with mean 1."""

import math

from layerwise.layers.regularization._stochastic import _MultiplicativeNoise


class GaussianDropout(_MultiplicativeNoise):
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

    def draw(self, shape, dtype):
        noise = self.generator().standard_normal(shape, dtype=dtype)
        noise *= math.sqrt(self.rate / (1.0 - self.rate))
        noise += 1.0
        return noise
