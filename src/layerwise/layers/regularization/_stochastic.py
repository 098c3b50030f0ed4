"""The shared base of layers that draw random numbers in training mode."""

import numpy as np

from layerwise.layers.base import Layer
from layerwise.utils._arguments import check_integer
from layerwise.utils.random import generator


class SeededGenerator:
    """Mixin for layers that draw random numbers in training mode.

    With a ``seed`` the layer owns its generator, ``self.rng``; without one it draws from the library's
    generator, so `layerwise.utils.set_random_seed` makes it reproducible. Either way the gradient checker
    can restore the generator's state between evaluations.
    """

    stochastic = True

    def init_generator(self, seed) -> None:
        """Validate ``seed`` and create the layer's own generator when one is given."""
        check_integer(seed, "seed", type(self).__name__, minimum=0, allow_none=True)
        self.seed = seed
        self.rng = None if seed is None else np.random.default_rng(int(seed))

    def generator(self) -> np.random.Generator:
        """The layer's own generator, or the library's current one (so set_random_seed reaches it)."""
        return generator() if self.rng is None else self.rng


class _StochasticLayer(SeededGenerator, Layer):
    """A layer whose training forward pass is random and whose inference pass is deterministic."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.init_generator(seed)

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class _MultiplicativeNoise(_StochasticLayer):
    """y = x ⊙ m with a random multiplier m drawn by `draw` in each training pass (kept for backward:
    dJ/dx = dJ/dy ⊙ m); y = x at inference and for rate 0."""

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate(type(self).__name__, rate)
        self.multiplier = None

    def draw(self, shape, dtype):
        """A multiplier m of ``shape`` for this training pass."""
        raise NotImplementedError

    def forward(self, x, training=False):
        if not training or self.rate == 0:
            self.multiplier = None
            return x
        self.multiplier = self.draw(x.shape, x.dtype)
        return x * self.multiplier

    def backward(self, dy):
        return dy if self.multiplier is None else dy * self.multiplier

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


def check_rate(owner, rate):
    """Return ``rate`` as a float in [0, 1), else raise a ValueError naming the layer."""
    if not np.isscalar(rate) or not 0 <= rate < 1:
        raise ValueError(f"{owner}: rate must lie in [0, 1), received {rate!r}")
    return float(rate)
