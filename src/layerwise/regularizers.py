"""Weight and activity penalties, as `keras.regularizers`: R(w) added to the loss, dR/dw to the gradient.

Keras's convention, followed here: L2 is λ Σ w² (gradient 2 λ w), L1 is λ Σ |w| (gradient λ sign(w)).
Lecture 002 writes the penalties as λ/2 wᵀw and λ/2 |w|; its λ is twice Keras's for L2
(``L2(l2=lam / 2)`` is the lecture's λ/2 wᵀw, whose gradient is λ w: "weight decay").
"""

import numpy as np

from layerwise.ops.l2_normalize import l2_normalize, l2_normalize_backward
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object as serialize


class Regularizer:
    """Base class: ``regularizer(w)`` is the penalty (a float), ``regularizer.gradient(w)`` its gradient.

    Example:
        >>> import numpy as np
        >>> class SumOfSquares(Regularizer):
        ...     def __call__(self, w):
        ...         return float(np.sum(w * w))
        ...     def gradient(self, w):
        ...         return 2.0 * w
        >>> regularizer = SumOfSquares()
        >>> regularizer(np.array([1.0, -2.0]))
        5.0
        >>> regularizer.gradient(np.array([1.0, -2.0]))
        array([ 2., -4.])
    """

    def __call__(self, w) -> float:
        raise NotImplementedError

    def gradient(self, w):
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(vars(self))

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _check(owner, argument, value):
    if not np.isscalar(value) or value < 0:
        raise ValueError(f"{owner}: {argument} must be a non-negative float, received {value!r}")
    return float(value)


class L1L2(Regularizer):
    """R(w) = λ1 Σ |w| + λ2 Σ w²;  dR/dw = λ1 sign(w) + 2 λ2 w.

    Args:
        l1: λ1 >= 0 (default 0).
        l2: λ2 >= 0 (default 0).

    Example:
        >>> import numpy as np
        >>> regularizer = L1L2(l1=0.1, l2=0.5)
        >>> regularizer(np.array([1.0, -2.0]))
        2.8
        >>> regularizer.gradient(np.array([1.0, -2.0]))
        array([ 1.1, -2.1])

    References:
        Lecture 002 (weight decay: L1 and L2 regularization); lecture 003 (L1/L2).
    """

    def __init__(self, l1=0.0, l2=0.0):
        self.l1, self.l2 = _check(type(self).__name__, "l1", l1), _check(type(self).__name__, "l2", l2)

    def __call__(self, w):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.abs(w).sum())
        if self.l2:
            penalty += self.l2 * float(np.vdot(w, w))
        return penalty

    def gradient(self, w):
        gradient = np.multiply(w, 2.0 * self.l2)
        if self.l1:
            gradient += self.l1 * np.sign(w)
        return gradient


class L1(L1L2):
    """R(w) = λ Σ |w|;  dR/dw = λ sign(w) (0 at w = 0). Default λ = 0.01, as Keras.

    Example:
        >>> import numpy as np
        >>> L1(0.5)(np.array([1.0, -3.0]))
        2.0
    """

    def __init__(self, l1=0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """R(w) = λ Σ w²;  dR/dw = 2 λ w. Default λ = 0.01, as Keras (lecture 002's λ/2 wᵀw is L2(λ/2)).

    Example:
        >>> import numpy as np
        >>> L2(0.5)(np.array([1.0, -3.0]))
        5.0
    """

    def __init__(self, l2=0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


class KLSparsity(Regularizer):
    """The sparse autoencoder's penalty on mean activations (lecture 002), an activity regularizer.

    For the code y of shape (N, units) with entries in (0, 1) (sigmoid units), the mean activation of
    unit j over the batch is ρ̂_j = (1/N) Σ_n y_nj, and

        R(y) = β Σ_j KL(ρ ‖ ρ̂_j) = β Σ_j [ρ log(ρ/ρ̂_j) + (1 - ρ) log((1 - ρ)/(1 - ρ̂_j))],
        dR/dy_nj = (β / N) [(1 - ρ)/(1 - ρ̂_j) - ρ/ρ̂_j].

    Axes other than the last are averaged over alike (a convolutional code's batch and positions).
    ρ̂ is clipped to [1e-7, 1 - 1e-7] so a dead or saturated unit gives a large, finite penalty.

    Args:
        rho: ρ in (0, 1), the target mean activation (default 0.05).
        beta: β >= 0, the penalty's weight (default 1.0).

    Example:
        >>> import numpy as np
        >>> round(KLSparsity(rho=0.5, beta=1.0)(np.full((4, 2), 0.5)), 6)
        0.0
        >>> bool(KLSparsity(rho=0.05)(np.full((4, 2), 0.5)) > 0)
        True

    References:
        Ng, "Sparse autoencoder", CS294A lecture notes, 2011; lecture 002 (sparse autoencoders).
    """

    _EPSILON = 1e-7

    def __init__(self, rho=0.05, beta=1.0):
        if not np.isscalar(rho) or not 0 < rho < 1:
            raise ValueError(f"KLSparsity: rho must lie in (0, 1), received {rho!r}")
        self.rho, self.beta = float(rho), _check("KLSparsity", "beta", beta)

    def _mean_activation(self, y):
        if y.size and (y.min() < 0 or y.max() > 1):
            raise ValueError(f"KLSparsity: the mean activations must be probabilities (sigmoid units), received "
                             f"activations in [{y.min():g}, {y.max():g}]; use an L1 penalty for other units")
        rho_hat = y.reshape(-1, y.shape[-1]).mean(axis=0)
        return np.clip(rho_hat, self._EPSILON, 1 - self._EPSILON)

    def __call__(self, y):
        rho, rho_hat = self.rho, self._mean_activation(y)
        kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
        return self.beta * float(kl.sum())

    def gradient(self, y):
        rho, rho_hat = self.rho, self._mean_activation(y)
        count = y.size // y.shape[-1]
        per_unit = (self.beta / count) * ((1 - rho) / (1 - rho_hat) - rho / rho_hat)
        return np.broadcast_to(per_unit.astype(y.dtype, copy=False), y.shape).copy()


class OrthogonalRegularizer(Regularizer):
    """A penalty on the cosines between the rows (or columns) of a 2-D weight, pushing them apart.

    With n_i = w_i / ||w_i|| the normalized rows (``mode="rows"``; columns for "columns") and P = N Nᵀ the
    matrix of their cosines, R(w) = λ Σ_{i≠j} |P_ij| / (n (n - 1)) over the n rows (Keras's λ · 0.5 ·
    Σ|P_offdiag| / (n(n-1)/2)). With S = λ sign(P) ⊙ (1 - I) / (n (n - 1)), dR/dN = 2 S N, and through the
    normalization dR/dw_i = (g_i - n_i (n_i · g_i)) / ||w_i|| for g = dR/dN.

    Args:
        factor: λ >= 0 (default 0.01, as Keras).
        mode: "rows" (default) or "columns".

    Example:
        >>> import numpy as np
        >>> OrthogonalRegularizer(factor=1.0)(np.array([[1.0, 0.0], [0.0, 2.0]]))
        0.0
        >>> OrthogonalRegularizer(factor=1.0)(np.array([[1.0, 0.0], [3.0, 0.0]]))
        1.0
    """

    def __init__(self, factor=0.01, mode="rows"):
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer: mode must be 'rows' or 'columns', received {mode!r}")
        self.factor, self.mode = _check("OrthogonalRegularizer", "factor", factor), mode

    def _rows(self, w):
        if np.ndim(w) != 2:
            raise ValueError(f"OrthogonalRegularizer: needs a 2-D weight, received shape {np.shape(w)}")
        return w if self.mode == "rows" else w.T

    def _cosines(self, rows):
        normalized, norms = l2_normalize(rows, axis=1)
        off_diagonal = 1.0 - np.eye(len(rows), dtype=rows.dtype)
        return normalized, norms, (normalized @ normalized.T) * off_diagonal

    def __call__(self, w):
        rows = self._rows(w)
        pairs = len(rows) * (len(rows) - 1)
        return self.factor * float(np.abs(self._cosines(rows)[2]).sum()) / pairs if pairs else 0.0

    def gradient(self, w):
        rows = self._rows(w)
        pairs = max(len(rows) * (len(rows) - 1), 1)
        normalized, norms, cosines = self._cosines(rows)
        g = (2.0 * self.factor / pairs) * (np.sign(cosines) @ normalized)
        gradient = l2_normalize_backward(g, normalized, norms, axis=1)
        return gradient if self.mode == "rows" else gradient.T


_TABLE = Registry("regularizer", module="layerwise.regularizers")
_TABLE.register(L1, "l1")
_TABLE.register(L2, "l2")
_TABLE.register(L1L2, "l1_l2", "l1l2")
_TABLE.register(KLSparsity, "kl_sparsity")
_TABLE.register(OrthogonalRegularizer, "orthogonal_regularizer")
# Keras's lowercase names of the classes.
l1, l2, l1_l2, orthogonal_regularizer = L1, L2, L1L2, OrthogonalRegularizer


def get(identifier):
    """None, a name ("l1", "l2", "l1_l2"), a config dict, or a Regularizer -> a Regularizer (or None).

    Example:
        >>> get("l2").l2
        0.01
    """
    if identifier is None:
        return None
    return lookup("regularizer", identifier, _TABLE, Regularizer)


deserialize = deserializer(get, "regularizer")
deserialize.__doc__ += """

Example:
    >>> import numpy as np
    >>> regularizer = deserialize({"class_name": "L2", "config": {"l2": 0.5}})
    >>> regularizer(np.array([1.0, -3.0]))  # 0.5 (1 + 9)
    5.0
"""
# doctest collects the examples of the functions defined in this module; `deserialize` is made in
# layerwise.utils.identifiers, so its example is listed here to run as well.
__test__ = {"deserialize": deserialize}

__all__ = ["KLSparsity", "L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get", "l1",
           "l1_l2", "l2", "orthogonal_regularizer", "serialize"]
