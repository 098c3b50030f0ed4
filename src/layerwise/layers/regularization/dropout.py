"""Dropout: a fresh random binary mask on every training forward pass."""

import numpy as np

from layerwise.layers.base import format_shape
from layerwise.layers.regularization._stochastic import _StochasticLayer, check_rate

_SCALINGS = ("inverted", "classic")


class Dropout(_StochasticLayer):
    """Dropout (lecture 000, eqs. 1-4; lectures 001-003): each unit is kept with probability q = 1 - p.

    Training: a mask m with m_i ~ Bernoulli(q) is drawn in every forward pass and kept for backward,
    y = x ⊙ m / q (inverted, the default, as Keras) or y = x ⊙ m (classic);  dJ/dx = dJ/dy ⊙ m / q
    (or ⊙ m): the same mask, so dropped units get no gradient (lecture 000, eq. 4).
    Inference: y = x (inverted) or y = q x (classic: lecture 003's "all the weights times 1 - p", which
    for the units' outgoing weights is exactly scaling their output by q). Both give E[y_train] = y_test.

    Args:
        rate: p in [0, 1), the probability of dropping a unit.
        noise_shape: shape of the mask, broadcast against the input; None entries take the input's size
            (e.g. ``(None, 1, None)`` drops whole features across axis 1). Default: the input's shape.
        seed: seed of the layer's own generator (default: the library's generator).
        scaling: "inverted" (scale by 1/q in training) or "classic" (scale by q at inference).
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = Dropout(0.5, seed=0)
        >>> y = layer(np.ones((2, 4)), training=True)
        >>> sorted(set(y.ravel().tolist())) in ([0.0, 2.0], [0.0], [2.0])
        True
        >>> layer(np.ones((1, 4)))
        array([[1., 1., 1., 1.]], dtype=float32)

    References:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from Overfitting", JMLR 2014.
        Lecture 000 (eqs. 1-4); lecture 001 (Monte Carlo averaging vs weight scaling); lecture 002;
        lecture 003 (dropout at test time).
    """

    def __init__(self, rate, noise_shape=None, seed=None, scaling="inverted", **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.rate = check_rate("Dropout", rate)
        if scaling not in _SCALINGS:
            raise ValueError(f"Dropout: scaling must be one of {_SCALINGS}, received {scaling!r}")
        self.scaling = scaling
        self.noise_shape = None if noise_shape is None else tuple(noise_shape)
        self.mask = None

    def build(self, input_shape):
        if self.noise_shape is None:
            return
        if len(self.noise_shape) != len(input_shape) or any(
                n not in (None, 1, d) for n, d in zip(self.noise_shape[1:], input_shape[1:])):
            raise ValueError(
                f"Layer '{self.name}' (Dropout): noise_shape {self.noise_shape} does not broadcast against "
                f"inputs of shape {format_shape(input_shape)}; use None, 1 or the input's size per axis")

    def _mask_shape(self, shape):
        if self.noise_shape is None:
            return shape
        return tuple(d if n is None else n for n, d in zip(self.noise_shape, shape))

    def forward(self, x, training=False):
        keep = 1.0 - self.rate
        if not training or self.rate == 0:
            self.mask = None
            return x * keep if self.scaling == "classic" else x
        draws = self.generator().random(self._mask_shape(x.shape), dtype=x.dtype)
        self.mask = np.greater_equal(draws, self.rate).astype(x.dtype)
        if self.scaling == "inverted":
            self.mask *= 1.0 / keep
        return x * self.mask

    def backward(self, dy):
        if self.mask is not None:
            return dy * self.mask
        return dy * (1.0 - self.rate) if self.scaling == "classic" else dy

    def get_config(self):
        return {**super().get_config(), "rate": self.rate,
                "noise_shape": None if self.noise_shape is None else list(self.noise_shape),
                "scaling": self.scaling}
