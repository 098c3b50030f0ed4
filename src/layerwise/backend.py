"""Keras's ``keras.backend`` functions that mean something for NumPy: the session, float type, fuzz factor and
image layout, and dtype helpers.

layerwise runs on one backend, NumPy, and one image layout, channels-last ((N, H, W, C), as Keras's default):
`set_image_data_format("channels_first")` is refused with how to convert the data, rather than accepted and
silently ignored. Channels-first arrays go in through ``np.moveaxis(x, 1, -1)``.

Example:
    >>> from layerwise import backend
    >>> backend.backend(), backend.image_data_format(), backend.floatx()
    ('numpy', 'channels_last', 'float32')
"""

import numpy as np

from layerwise.config import epsilon, floatx, set_epsilon, set_floatx
from layerwise.layers.base import clear_session, get_uid
from layerwise.layers.symbolic import SymbolicTensor

_LAYOUTS = ("channels_last", "channels_first")


def backend() -> str:
    """The name of the backend: "numpy" (Keras's NumPy backend is the one layerwise's arrays correspond to)."""
    return "numpy"


def image_data_format() -> str:
    """The layout of images: always "channels_last", (N, H, W, C) (and (N, steps, C) for sequences)."""
    return "channels_last"


def set_image_data_format(data_format: str) -> None:
    """Accept "channels_last"; refuse "channels_first", which layerwise does not run, with how to convert."""
    if data_format not in _LAYOUTS:
        raise ValueError(f"set_image_data_format: expected one of {_LAYOUTS}, received {data_format!r}")
    if data_format == "channels_first":
        raise ValueError("set_image_data_format: layerwise runs channels-last only, (N, H, W, C) as Keras's "
                         "default; convert channels-first images with np.moveaxis(x, 1, -1)")


#: Keras's names of Python's types (its NumPy backend's: int is int32, float is float32).
_PYTHON_TYPES = {bool: "bool", int: "int32", "int": "int32", float: "float32", complex: "complex64"}


def standardize_dtype(dtype=None) -> str:
    """The name of a dtype, as Keras: "float32" for np.float32, "float32" or Python's float; None is `floatx()`."""
    if dtype is None:
        return floatx()
    return np.dtype(_PYTHON_TYPES.get(dtype, dtype)).name


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` is a floating type."""
    return np.dtype(standardize_dtype(dtype)).kind == "f"


def is_int_dtype(dtype) -> bool:
    """Whether ``dtype`` is a signed or unsigned integer type."""
    return np.dtype(standardize_dtype(dtype)).kind in "iu"


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic tensor of the functional API (from `layerwise.Input` or a layer called on one)."""
    return isinstance(x, SymbolicTensor)


__all__ = ["backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_float_dtype",
           "is_int_dtype", "is_keras_tensor", "set_epsilon", "set_floatx", "set_image_data_format",
           "standardize_dtype"]
