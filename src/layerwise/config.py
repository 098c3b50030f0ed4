"""Global configuration: the default float type, the fuzz factor and the number of threads.

float32 is the default, as in Keras; ``set_floatx("float64")`` switches every layer, initializer and
optimizer built afterwards to double precision (gradient checks use it).

Example:
    >>> import layerwise
    >>> layerwise.config.floatx()
    'float32'
"""

import numpy as np

from layerwise.ops import _lanes

_FLOATX = "float32"
_EPSILON = 1e-7
_ALLOWED = ("float16", "float32", "float64")


def floatx() -> str:
    """Return the default float type as a string ("float32" unless changed)."""
    return _FLOATX


def set_floatx(value: str) -> None:
    """Set the default float type: one of "float16", "float32", "float64"."""
    global _FLOATX
    try:
        name = np.dtype(value).name
    except TypeError:
        name = None
    if name not in _ALLOWED:
        raise ValueError(f"set_floatx: expected one of {_ALLOWED}, received {value!r}")
    _FLOATX = name


def epsilon() -> float:
    """Return the fuzz factor used to keep logarithms and divisions finite (1e-7, as Keras)."""
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Set the fuzz factor returned by `epsilon()`."""
    global _EPSILON
    _EPSILON = float(value)


def standardize_dtype(dtype) -> np.dtype:
    """Return ``np.dtype(dtype)``, or the default float type when ``dtype`` is None."""
    return np.dtype(floatx() if dtype is None else dtype)


def threads() -> int:
    """Return how many threads a model with convolution, pooling or batch normalization layers splits each
    batch over (the usable cores, at most 8, by default; 1 without threadpoolctl, ``pip install
    layerwise[threads]``)."""
    return _lanes.threads()


def set_threads(count: int) -> None:
    """Set the number of threads `threads` returns; 1 runs every kernel in the calling thread."""
    _lanes.set_threads(count)
