"""Values, constants and conversions of ``keras.ops`` that carry no gradient of their own (except `cast`).

`stop_gradient` and `convert_to_numpy` cut the record on purpose; comparisons and arg-max return plain
boolean or integer arrays, whose derivative is zero almost everywhere.
"""

import numpy as np

from layerwise.ops._autodiff import Tensor, lift, result, value_of


def _dtype(dtype):
    # Imported here: layerwise.config imports this package's thread kernels at its own import.
    from layerwise import config
    return np.dtype(config.floatx() if dtype is None else dtype)


def convert_to_tensor(x, dtype=None):
    """x as a value ops take: a Tensor stays one (cast to ``dtype`` when given), anything else becomes an array.

    Example:
        >>> from layerwise import ops
        >>> ops.convert_to_tensor([1, 2], dtype="float32").dtype
        dtype('float32')
    """
    x = lift(x)
    if isinstance(x, Tensor):
        return x if dtype is None else cast(x, dtype)
    return np.asarray(x, dtype=dtype)


def convert_to_numpy(x):
    """The NumPy value of x; from a Tensor, a constant through which no gradient flows.

    Example:
        >>> from layerwise import ops
        >>> ops.convert_to_numpy(ops.ones((2,)))
        array([1., 1.], dtype=float32)
    """
    return np.asarray(value_of(x))


def stop_gradient(x):
    """x's value as a constant of the record: dJ/dx = 0 through this path.

    Example:
        >>> from layerwise import ops
        >>> ops.stop_gradient([1.0])
        array([1.])
    """
    x = lift(x)
    return Tensor(x.value) if isinstance(x, Tensor) else np.asarray(x)


def cast(x, dtype):
    """x in ``dtype``; dJ/dx = dJ/dy cast back to x's type.

    Example:
        >>> from layerwise import ops
        >>> ops.cast([1, 2], "float32").dtype
        dtype('float32')
    """
    x = lift(x)
    xv = np.asarray(value_of(x))
    return result(xv.astype(dtype), (x,), lambda dy: (dy.astype(xv.dtype),))


def shape(x):
    """The shape of x, a tuple of ints.

    Example:
        >>> from layerwise import ops
        >>> ops.shape(ops.zeros((2, 3)))
        (2, 3)
    """
    return tuple(np.shape(value_of(x)))


def zeros(shape, dtype=None):
    """An array of zeros (floatx unless ``dtype``).

    Example:
        >>> from layerwise import ops
        >>> ops.zeros((2,))
        array([0., 0.], dtype=float32)
    """
    return np.zeros(shape, dtype=_dtype(dtype))


def ones(shape, dtype=None):
    """An array of ones (floatx unless ``dtype``).

    Example:
        >>> from layerwise import ops
        >>> ops.ones((1, 2)).shape
        (1, 2)
    """
    return np.ones(shape, dtype=_dtype(dtype))


def zeros_like(x, dtype=None):
    """Zeros of x's shape and type (or ``dtype``).

    Example:
        >>> from layerwise import ops
        >>> ops.zeros_like(ops.ones((2,)))
        array([0., 0.], dtype=float32)
    """
    return np.zeros_like(np.asarray(value_of(x)), dtype=dtype)


def ones_like(x, dtype=None):
    """Ones of x's shape and type (or ``dtype``).

    Example:
        >>> from layerwise import ops
        >>> ops.ones_like(ops.zeros((2,)))
        array([1., 1.], dtype=float32)
    """
    return np.ones_like(np.asarray(value_of(x)), dtype=dtype)


def full(shape, fill_value, dtype=None):
    """An array of ``fill_value`` (floatx unless ``dtype``).

    Example:
        >>> from layerwise import ops
        >>> ops.full((2,), 3.0)
        array([3., 3.], dtype=float32)
    """
    return np.full(shape, fill_value, dtype=_dtype(dtype))


def _comparison(name, function):
    def op(x1, x2):
        return function(value_of(x1), value_of(x2))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"The element-wise ``{name}`` of x1 and x2, a boolean array (no gradient).\n\n"
                  f"    Example:\n        >>> from layerwise import ops\n"
                  f"        >>> ops.{name}([1.0, 2.0], 1.5).dtype\n        dtype('bool')\n    ")
    return op


greater = _comparison("greater", np.greater)
greater_equal = _comparison("greater_equal", np.greater_equal)
less = _comparison("less", np.less)
less_equal = _comparison("less_equal", np.less_equal)
equal = _comparison("equal", np.equal)
not_equal = _comparison("not_equal", np.not_equal)


def argmax(x, axis=None, keepdims=False):
    """The index of the largest entry along ``axis`` (an integer array, no gradient).

    Example:
        >>> from layerwise import ops
        >>> int(ops.argmax([1.0, 3.0, 2.0]))
        1
    """
    return np.argmax(value_of(x), axis=axis, keepdims=keepdims)


def argmin(x, axis=None, keepdims=False):
    """The index of the smallest entry along ``axis`` (an integer array, no gradient).

    Example:
        >>> from layerwise import ops
        >>> int(ops.argmin([1.0, 3.0, 2.0]))
        0
    """
    return np.argmin(value_of(x), axis=axis, keepdims=keepdims)


def sign(x):
    """The sign of each entry, -1, 0 or 1, as a constant (its derivative is 0 almost everywhere).

    Example:
        >>> from layerwise import ops
        >>> ops.sign([-2.0, 0.0, 3.0])
        array([-1.,  0.,  1.])
    """
    return np.sign(value_of(x))


def one_hot(x, num_classes, axis=-1, dtype=None):
    """Integer labels x as one-hot vectors of ``num_classes`` along ``axis`` (floatx unless ``dtype``).

    Example:
        >>> from layerwise import ops
        >>> ops.one_hot([2, 0], 3)
        array([[0., 0., 1.],
               [1., 0., 0.]], dtype=float32)
    """
    labels = np.asarray(value_of(x))
    encoded = (labels[..., None] == np.arange(num_classes)).astype(_dtype(dtype))
    return np.moveaxis(encoded, -1, axis)
