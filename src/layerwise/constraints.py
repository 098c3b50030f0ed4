"""Weight constraints, as `keras.constraints`: projections applied to θ after every optimizer update.

A constraint maps w to its projection; `Optimizer.apply` writes it back in place after each step.
Norms are taken along ``axis``: for a Dense kernel of shape (n_in, n_out), axis=0 gives each unit's
incoming weight vector (lecture 002's max-norm).
"""

import numpy as np

from layerwise.config import epsilon
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object as serialize


class Constraint:
    """Base class: ``constraint(w)`` returns the constrained weights (same shape and dtype).

    Example:
        >>> import numpy as np
        >>> class ClipTo(Constraint):
        ...     def __init__(self, limit=1.0):
        ...         self.limit = limit
        ...     def __call__(self, w):
        ...         return np.clip(w, -self.limit, self.limit)
        >>> constraint = ClipTo(0.5)
        >>> constraint(np.array([-2.0, 0.25, 2.0]))
        array([-0.5 ,  0.25,  0.5 ])
        >>> constraint.get_config()
        {'limit': 0.5}
    """

    def __call__(self, w):
        raise NotImplementedError

    def get_config(self) -> dict:
        return dict(vars(self))

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _norms(w, axis):
    return np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))


class MinMaxNorm(Constraint):
    """w ← w · (r · clip(||w||, m, M) + (1 - r) ||w||) / (ε + ||w||), norms along ``axis``.

    Args:
        min_value: m, the smallest allowed norm.
        max_value: M, the largest allowed norm.
        rate: r in [0, 1]: 1 projects exactly, smaller values move part of the way.
        axis: the axis (or axes) of the weight vectors whose norms are constrained.

    Example:
        >>> import numpy as np
        >>> w = MinMaxNorm(min_value=1.0, max_value=2.0)(np.array([[0.3], [0.4]]))
        >>> np.round(np.linalg.norm(w), 4)
        np.float64(1.0)
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        if not 0 <= min_value <= max_value:
            raise ValueError(f"{type(self).__name__}: need 0 <= min_value <= max_value, received "
                             f"min_value={min_value}, max_value={max_value}")
        if not 0 <= rate <= 1:
            raise ValueError(f"{type(self).__name__}: rate must lie in [0, 1], received {rate}")
        self.min_value, self.max_value, self.rate = float(min_value), float(max_value), float(rate)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis

    def _axis(self):
        return tuple(self.axis) if isinstance(self.axis, list) else self.axis

    def __call__(self, w):
        norms = _norms(w, self._axis())
        desired = self.rate * np.clip(norms, self.min_value, self.max_value) + (1.0 - self.rate) * norms
        return w * (desired / (epsilon() + norms))


class MaxNorm(MinMaxNorm):
    """Lecture 002's max-norm: a unit's incoming weight vector longer than c is rescaled to length c.

    w ← w · min(||w||, c) / (ε + ||w||), norms along ``axis`` (ε = `layerwise.config.epsilon()` keeps
    zero vectors finite, so a clipped norm ends a hair below c).

    Args:
        max_value: c (default 2, as Keras).
        axis: the axis of the norms (default 0: each column of a Dense kernel, one per unit).

    Example:
        >>> import numpy as np
        >>> np.round(MaxNorm(1.0)(np.array([[3.0, 0.1], [4.0, 0.2]])), 4)
        array([[0.6, 0.1],
               [0.8, 0.2]])

    References:
        Srivastava et al., "Dropout: A Simple Way to Prevent Neural Networks from Overfitting", JMLR 2014.
        Lecture 002 (max-norm constraints).
    """

    def __init__(self, max_value=2.0, axis=0):
        super().__init__(0.0, max_value, 1.0, axis)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class UnitNorm(MinMaxNorm):
    """w ← w / (ε + ||w||): every weight vector along ``axis`` has norm 1.

    Example:
        >>> import numpy as np
        >>> np.round(UnitNorm()(np.array([[3.0], [4.0]])), 4)
        array([[0.6],
               [0.8]])
    """

    def __init__(self, axis=0):
        super().__init__(1.0, 1.0, 1.0, axis)

    def get_config(self):
        return {"axis": self.axis}


class NonNeg(Constraint):
    """w ← max(w, 0): non-negative weights.

    Example:
        >>> import numpy as np
        >>> NonNeg()(np.array([-1.0, 2.0]))
        array([0., 2.])
    """

    def __call__(self, w):
        return np.maximum(w, 0, dtype=w.dtype)


_TABLE = Registry("constraint", module="layerwise.constraints")
_TABLE.register(MaxNorm, "max_norm")
_TABLE.register(NonNeg, "non_neg")
_TABLE.register(UnitNorm, "unit_norm")
_TABLE.register(MinMaxNorm, "min_max_norm")
# Keras's lowercase names of the classes.
max_norm, non_neg, unit_norm, min_max_norm = MaxNorm, NonNeg, UnitNorm, MinMaxNorm


def get(identifier):
    """None, a name ("max_norm", "non_neg", "unit_norm", "min_max_norm"), a config dict or a Constraint.

    Example:
        >>> get("max_norm").max_value
        2.0
    """
    if identifier is None:
        return None
    return lookup("constraint", identifier, _TABLE, Constraint)


deserialize = deserializer(get, "constraint")
deserialize.__doc__ += """

Example:
    >>> import numpy as np
    >>> constraint = deserialize({"class_name": "MaxNorm", "config": {"max_value": 1.0, "axis": 0}})
    >>> np.round(constraint(np.array([[3.0], [4.0]])), 4)  # the column of norm 5 rescaled to norm 1
    array([[0.6],
           [0.8]])
"""
# doctest collects the examples of the functions defined in this module; `deserialize` is made in
# layerwise.utils.identifiers, so its example is listed here to run as well.
__test__ = {"deserialize": deserialize}

__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get", "max_norm",
           "min_max_norm", "non_neg", "serialize", "unit_norm"]
