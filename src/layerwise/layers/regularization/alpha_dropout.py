"""AlphaDropout: dropout that keeps the mean and variance of self-normalizing (SELU) activations."""

import math

import numpy as np

from layerwise.activations import _SELU_ALPHA, _SELU_SCALE
from layerwise.layers.base import Layer
from layerwise.utils.random import make_generator

#: SELU's negative saturation value -λα, where dropped units are set.
_SATURATION = -_SELU_ALPHA * _SELU_SCALE


class AlphaDropout(Layer):
    """Klambauer et al.'s alpha dropout: dropped units are set to SELU's saturation α' = -λα, then an affine map
    restores zero mean and unit variance.

    In training, with keep probability q = 1 - rate and m ~ Bernoulli(q) per entry:
        y = a (m x + (1 - m) α') + b,  a = (q (1 + rate α'^2))^(-1/2),  b = -a α' rate,
        dJ/dx = a m dJ/dy.
    In inference y = x and dJ/dx = dJ/dy.

    Args:
        rate: the fraction of units to drop, in [0, 1).
        noise_shape: the shape of the mask (None axes: the input's), to share it along axes; None: the input's.
        seed: seed of the layer's own random stream (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> x = np.random.default_rng(0).normal(size=(20000, 4))
        >>> y = AlphaDropout(0.2, seed=1)(x, training=True)
        >>> bool(abs(y.mean()) < 0.03 and abs(y.std() - 1) < 0.03)
        True

    References:
        Klambauer et al., "Self-Normalizing Neural Networks", NeurIPS 2017.
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
            raise ValueError(f"AlphaDropout: rate must lie in [0, 1), received {rate!r}")
        self.rate, self.seed = float(rate), seed
        self.noise_shape = None if noise_shape is None else list(noise_shape)
        self.rng = make_generator(seed)

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self.mask = None
            return x
        keep = 1.0 - self.rate
        shape = x.shape if self.noise_shape is None else tuple(
            size if wanted is None else wanted for size, wanted in zip(x.shape, self.noise_shape))
        self.mask = (self.rng.random(shape) < keep).astype(x.dtype)
        self.scale = 1.0 / math.sqrt(keep * (1.0 + self.rate * _SATURATION ** 2))
        shift = -self.scale * _SATURATION * self.rate
        return (self.scale * (x * self.mask + (1 - self.mask) * _SATURATION) + shift).astype(x.dtype, copy=False)

    def backward(self, dy):
        if self.mask is None:
            return dy
        return np.multiply(dy, self.mask, dtype=dy.dtype) * self.scale

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape, "seed": self.seed}
