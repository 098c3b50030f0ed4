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
    """The name of the backend: "numpy" (Keras's NumPy backend is the one layerwise's arrays correspond to).

    Example:
        >>> backend()
        'numpy'
    """
    return "numpy"


def image_data_format() -> str:
    """The layout of images: always "channels_last", (N, H, W, C) (and (N, steps, C) for sequences).

    Example:
        >>> image_data_format()
        'channels_last'
    """
    return "channels_last"


def set_image_data_format(data_format: str) -> None:
    """Accept "channels_last"; refuse "channels_first", which layerwise does not run, with how to convert.

    Example:
        >>> import numpy as np
        >>> set_image_data_format("channels_last")  # accepted: the only layout
        >>> try:
        ...     set_image_data_format("channels_first")
        ... except ValueError as error:
        ...     print("refused")
        refused
        >>> np.moveaxis(np.zeros((8, 3, 32, 32)), 1, -1).shape  # channels-first images, converted
        (8, 32, 32, 3)
    """
    if data_format not in _LAYOUTS:
        raise ValueError(f"set_image_data_format: expected one of {_LAYOUTS}, received {data_format!r}")
    if data_format == "channels_first":
        raise ValueError("set_image_data_format: layerwise runs channels-last only, (N, H, W, C) as Keras's "
                         "default; convert channels-first images with np.moveaxis(x, 1, -1)")


#: Keras's names of Python's types (its NumPy backend's: int is int32, float is float32).
_PYTHON_TYPES = {bool: "bool", int: "int32", "int": "int32", float: "float32", complex: "complex64"}


def standardize_dtype(dtype=None) -> str:
    """The name of a dtype, as Keras: "float32" for np.float32, "float32" or Python's float; None is `floatx()`.

    Example:
        >>> import numpy as np
        >>> standardize_dtype(np.float64), standardize_dtype("int64"), standardize_dtype(np.dtype("uint8"))
        ('float64', 'int64', 'uint8')
        >>> standardize_dtype(float), standardize_dtype(int)  # Python's types, as Keras's NumPy backend
        ('float32', 'int32')
    """
    if dtype is None:
        return floatx()
    return np.dtype(_PYTHON_TYPES.get(dtype, dtype)).name


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` is a floating type.

    Example:
        >>> is_float_dtype("float16"), is_float_dtype(float), is_float_dtype("int8")
        (True, True, False)
    """
    return np.dtype(standardize_dtype(dtype)).kind == "f"


def is_int_dtype(dtype) -> bool:
    """Whether ``dtype`` is a signed or unsigned integer type.

    Example:
        >>> is_int_dtype("uint8"), is_int_dtype(int), is_int_dtype("float32")
        (True, True, False)
    """
    return np.dtype(standardize_dtype(dtype)).kind in "iu"


# Keras's type promotion lattice (JAX's): each type and the types just above it. "int" and "float" are the weak
# types of Python's scalars, which take the type of the array they meet.
_LATTICE = {
    "bool": ["int"], "int": ["uint8", "int8", "complex64"], "uint8": ["int16", "uint16"],
    "uint16": ["int32", "uint32"], "uint32": ["int64", "uint64"], "uint64": ["float"], "int8": ["int16"],
    "int16": ["int32"], "int32": ["int64"], "int64": ["float"], "float": ["bfloat16", "float16"],
    "bfloat16": ["float32"], "float16": ["float32"], "float32": ["float64", "complex64"], "float64": ["complex128"],
    "complex64": ["complex128"], "complex128": [],
}


def _upper_bounds():
    bounds = {}
    for node in _LATTICE:
        reached, frontier = {node}, [node]
        while frontier:
            above = [higher for lower in frontier for higher in _LATTICE[lower] if higher not in reached]
            reached.update(above)
            frontier = above
        bounds[node] = reached
    return bounds


_UPPER_BOUNDS = _upper_bounds()


def _least_upper_bound(names):
    common = set.intersection(*(_UPPER_BOUNDS[name] for name in names))
    least = (common & set(names)) or {c for c in common if common <= _UPPER_BOUNDS[c]}
    if len(least) != 1:
        raise ValueError(f"result_type: the dtypes {sorted(names)} have no common type to promote to")
    return least.pop()


def result_type(*dtypes) -> str:
    """The dtype of an operation on arrays of ``dtypes``, by Keras's type promotion rules (JAX's lattice).

    Unlike NumPy's rules, an integer meeting a float takes the float's type (int64 and float16 give float16),
    unsigned and signed integers meet at the next signed width, and Python's ``int`` and ``float`` are weak
    types that take the type of the array they meet (float16 and float give float16). Weak types on their own
    resolve at the precision of `floatx()`; no dtype (``result_type()``) and None are `floatx()`. Unlike Keras
    on JAX, 64-bit results stay 64-bit, as layerwise computes in float64 when asked to.

    Args:
        *dtypes: dtypes: names ("int8"), NumPy dtypes or types, Python's ``bool``, ``int``, ``float``, ``complex``,
            or None.

    Returns:
        The name of the result dtype.

    Example:
        >>> result_type("int32", "float16"), result_type("uint8", "int8"), result_type("float16", float)
        ('float16', 'int16', 'float16')
        >>> result_type(int, float), result_type(), result_type("bool", int)
        ('float32', 'float32', 'int32')
    """
    if not dtypes:
        return floatx()
    names, weak = [], []
    for dtype in dtypes:
        weak.append(dtype is int or dtype is float)
        if dtype is not None and isinstance(dtype, str) and dtype in _LATTICE and dtype not in ("int", "float"):
            names.append(dtype)
        else:
            try:
                names.append(standardize_dtype(dtype))
            except TypeError:
                raise ValueError(f"result_type: {dtype!r} is not a dtype") from None
        if names[-1] not in _LATTICE:
            raise ValueError(f"result_type: {dtype!r} ({names[-1]}) has no place in Keras's type promotion")
    if len(names) == 1 or (len(set(names)) == 1 and not all(weak)):
        result, result_weak = names[0], all(weak)
    elif all(weak):
        result, result_weak = _least_upper_bound(set(names)), True
    else:
        weakened = {("float" if name.startswith("float") else "int") if is_weak and name != "bool" else name
                    for name, is_weak in zip(names, weak)}
        result = _least_upper_bound(weakened)
        result_weak = result in ("int", "float")
    if result_weak and result != "bool":
        kind = "float" if result.startswith(("float", "bfloat")) else "uint" if result.startswith("u") else "int"
        result = f"{kind}{floatx()[-2:]}"
    return result


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic tensor of the functional API (from `layerwise.Input` or a layer called on one).

    Example:
        >>> import numpy as np
        >>> import layerwise
        >>> inputs = layerwise.Input(shape=(3,))
        >>> outputs = layerwise.layers.Dense(2)(inputs)
        >>> is_keras_tensor(inputs), is_keras_tensor(outputs), is_keras_tensor(np.zeros((1, 3)))
        (True, True, False)
    """
    return isinstance(x, SymbolicTensor)


__all__ = ["backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_float_dtype",
           "is_int_dtype", "is_keras_tensor", "result_type", "set_epsilon", "set_floatx", "set_image_data_format",
           "standardize_dtype"]
