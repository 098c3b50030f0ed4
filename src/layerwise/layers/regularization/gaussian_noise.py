"""GaussianNoise: additive zero-mean noise in training."""

from layerwise.layers.regularization._stochastic import _StochasticLayer


class GaussianNoise(_StochasticLayer):
    """y = x + ε with ε ~ N(0, σ²) drawn afresh in each training pass; y = x at inference.

    Backward: dJ/dx = dJ/dy (the noise does not depend on x).

    Args:
        stddev: σ >= 0.
        seed: seed of the layer's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = GaussianNoise(0.1, seed=0)
        >>> bool(np.all(layer(np.zeros((2, 3)), training=True) != 0))
        True

    References:
        Lecture 002 (denoising autoencoders: corrupting the input); lecture 003 (regularization).
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not stddev >= 0:
            raise ValueError(f"GaussianNoise: stddev must be >= 0, received {stddev!r}")
        self.stddev = float(stddev)

    def forward(self, x, training=False):
        if not training or self.stddev == 0:
            return x
        noise = self.generator().standard_normal(x.shape, dtype=x.dtype)
        noise *= self.stddev
        noise += x
        return noise

    def backward(self, dy):
        return dy

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}
