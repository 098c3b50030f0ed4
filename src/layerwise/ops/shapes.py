"""Differentiable reshaping, joining, slicing and selection, as ``keras.ops`` names them.

Each moves entries without changing them, so its backward moves dJ/dy back to where the entries came from
(a slice's gradient is scattered into zeros; a concatenation's is split).
"""

import numpy as np

from layerwise.ops._autodiff import Tensor, lift, operands, result, unbroadcast, value_of


def _one(x):
    x = lift(x)
    return x, (x.value if isinstance(x, Tensor) else np.asarray(x))


def _reshaped(x, y):
    x, xv = _one(x)
    return result(y(xv), (x,), lambda dy: (dy.reshape(xv.shape),))


def reshape(x, newshape):
    """y = x with the shape ``newshape`` (one entry may be -1); dJ/dx = dJ/dy reshaped back.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.reshape(np.zeros((2, 6)), (3, -1)).shape
        (3, 4)
    """
    return _reshaped(x, lambda value: value.reshape(newshape))


def expand_dims(x, axis):
    """y = x with a new axis of length 1 at ``axis``.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.expand_dims(np.zeros((2, 3)), 1).shape
        (2, 1, 3)
    """
    return _reshaped(x, lambda value: np.expand_dims(value, axis))


def squeeze(x, axis=None):
    """y = x without its axes of length 1 (or only ``axis``).

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.squeeze(np.zeros((2, 1, 3))).shape
        (2, 3)
    """
    return _reshaped(x, lambda value: np.squeeze(value, axis))


def transpose(x, axes=None):
    """y = x with its axes permuted (reversed when ``axes`` is None); dJ/dx = dJ/dy permuted back.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.transpose(np.zeros((2, 3, 4)), (0, 2, 1)).shape
        (2, 4, 3)
    """
    x, xv = _one(x)
    axes = tuple(range(xv.ndim))[::-1] if axes is None else tuple(a % xv.ndim for a in axes)
    return result(np.transpose(xv, axes), (x,), lambda dy: (np.transpose(dy, np.argsort(axes)),))


def broadcast_to(x, shape):
    """y = x broadcast to ``shape``; dJ/dx = dJ/dy summed over the broadcast axes.

    Example:
        >>> from layerwise import ops
        >>> ops.broadcast_to([1.0, 2.0], (3, 2)).shape
        (3, 2)
    """
    x, xv = _one(x)
    return result(np.broadcast_to(xv, shape), (x,), lambda dy: (unbroadcast(dy, xv.shape),))


def concatenate(xs, axis=0):
    """y = the ``xs`` joined along ``axis``; each dJ/dx_i is its slice of dJ/dy.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.concatenate([np.zeros((2, 3)), np.ones((2, 1))], axis=-1).shape
        (2, 4)
    """
    lifted, values = operands(*xs)
    values = [np.asarray(value) for value in values]
    ends = np.cumsum([value.shape[axis] for value in values])[:-1]
    return result(np.concatenate(values, axis=axis), tuple(lifted),
                  lambda dy: tuple(np.split(dy, ends, axis=axis)))


def stack(xs, axis=0):
    """y = the ``xs`` (of one shape) stacked along a new ``axis``; dJ/dx_i = dJ/dy's i-th slice.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.stack([np.zeros(3), np.ones(3)], axis=1).shape
        (3, 2)
    """
    lifted, values = operands(*xs)
    y = np.stack([np.asarray(value) for value in values], axis=axis)
    return result(y, tuple(lifted), lambda dy: tuple(np.moveaxis(dy, axis, 0)))


def _index(index):
    return tuple(value_of(i) for i in index) if isinstance(index, tuple) else value_of(index)


def _has_array_index(index):
    return any(isinstance(i, (list, np.ndarray)) for i in (index if isinstance(index, tuple) else (index,)))


def getitem(x, index):
    """y = x[index] (NumPy's basic and integer-array indexing); dJ/dx is dJ/dy scattered into zeros, repeated
    indices adding up.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.getitem(np.arange(6.0).reshape(2, 3), (slice(None), 1))
        array([1., 4.])
    """
    x, xv = _one(x)
    index = _index(index)

    def rule(dy):
        dx = np.zeros_like(xv)
        if _has_array_index(index):
            np.add.at(dx, index, dy)
        else:
            dx[index] = dy
        return (dx,)
    return result(xv[index], (x,), rule)


def take(x, indices, axis=None):
    """y = the entries of x at ``indices`` along ``axis`` (flattened x when None), as ``keras.ops.take``.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.take(np.array([[1.0, 2.0], [3.0, 4.0]]), [1, 1, 0], axis=0).shape
        (3, 2)
    """
    x, xv = _one(x)
    indices = np.asarray(value_of(indices))
    if axis is None:
        return take(reshape(x, (-1,)), indices, axis=0)
    axis %= xv.ndim
    return getitem(x, (slice(None),) * axis + (indices,))


def split(x, indices_or_sections, axis=0):
    """The pieces of x split along ``axis``, as `numpy.split`; each piece carries its own gradient.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> [piece.shape for piece in ops.split(np.zeros((4, 2)), 2)]
        [(2, 2), (2, 2)]
    """
    x, xv = _one(x)
    axis %= xv.ndim
    bounds = np.split(np.arange(xv.shape[axis]), indices_or_sections)
    return [getitem(x, (slice(None),) * axis + (slice(int(b[0]), int(b[-1]) + 1) if len(b) else slice(0, 0),))
            for b in bounds]


def where(condition, x1, x2):
    """y = x1 where ``condition`` holds, else x2; dJ/dx1 = dJ/dy where it holds, dJ/dx2 elsewhere.

    Example:
        >>> from layerwise import ops
        >>> ops.where([True, False], [1.0, 2.0], [3.0, 4.0])
        array([1., 4.])
    """
    condition = np.asarray(value_of(condition), dtype=bool)
    (a, b), (av, bv) = operands(x1, x2)
    y = np.where(condition, av, bv)
    return result(y, (a, b), lambda dy: (unbroadcast(np.where(condition, dy, 0), np.shape(av)),
                                         unbroadcast(np.where(condition, 0, dy), np.shape(bv))))


def clip(x, x_min, x_max):
    """y = x limited to [x_min, x_max]; dJ/dx = dJ/dy inside the interval, 0 where x was clipped.

    Example:
        >>> from layerwise import ops
        >>> ops.clip([-2.0, 0.5, 3.0], -1.0, 1.0)
        array([-1. ,  0.5,  1. ])
    """
    x, xv = _one(x)
    inside = (xv >= x_min) & (xv <= x_max)
    return result(np.clip(xv, x_min, x_max), (x,), lambda dy: (dy * inside,))
