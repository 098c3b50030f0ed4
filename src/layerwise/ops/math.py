"""Differentiable arithmetic, element-wise functions, products and reductions, as ``keras.ops`` names them.

Each function computes y = f(x) with NumPy and records, beside it, the rule that turns dJ/dy into dJ/dx
(the chain rule of lecture 001 for one op). On plain arrays they are NumPy functions; on a `Tensor` (inside
a layer's ``call``) or a `Parameter` they return a Tensor whose gradient `backpropagate` can carry back.
Broadcast operands receive dJ/dy summed over the axes broadcasting stretched.
"""

import numpy as np

from layerwise.ops._autodiff import operands as _operands, result, unbroadcast, value_of


def _shape(value):
    return np.shape(value)


def _elementwise(name, function, derivative, formula):
    """The op y = function(x) with dJ/dx = dJ/dy * derivative(x, y)."""
    def op(x):
        (x,), (xv,) = _operands(x)
        y = function(xv)
        return result(y, (x,), lambda dy: (dy * derivative(xv, y),))
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"y = {formula}, element-wise (``keras.ops.{name}``); differentiable.\n\n"
                  f"    Example:\n        >>> import numpy as np\n        >>> from layerwise import ops\n"
                  f"        >>> ops.{name}(np.array([0.5])).shape\n        (1,)\n    ")
    return op


negative = _elementwise("negative", np.negative, lambda x, y: -1.0, "-x")
absolute = _elementwise("absolute", np.abs, lambda x, y: np.sign(x), "|x| (dJ/dx = 0 at 0)")
abs = absolute  # noqa: A001 -- keras.ops.abs
square = _elementwise("square", np.square, lambda x, y: 2.0 * x, "x^2")
sqrt = _elementwise("sqrt", np.sqrt, lambda x, y: 0.5 / y, "sqrt(x)")
exp = _elementwise("exp", np.exp, lambda x, y: y, "exp(x)")
log = _elementwise("log", np.log, lambda x, y: 1.0 / x, "log(x)")
log1p = _elementwise("log1p", np.log1p, lambda x, y: 1.0 / (1.0 + x), "log(1 + x)")
expm1 = _elementwise("expm1", np.expm1, lambda x, y: y + 1.0, "exp(x) - 1")
sin = _elementwise("sin", np.sin, lambda x, y: np.cos(x), "sin(x)")
cos = _elementwise("cos", np.cos, lambda x, y: -np.sin(x), "cos(x)")
tanh = _elementwise("tanh", np.tanh, lambda x, y: 1.0 - y * y, "tanh(x)")
reciprocal = _elementwise("reciprocal", np.reciprocal, lambda x, y: -y * y, "1 / x")


def _binary(name, function, derivatives, formula):
    """The op y = function(a, b) with dJ/da = dJ/dy * da_rule(a, b, y), and likewise for b."""
    def op(x1, x2):
        (a, b), (av, bv) = _operands(x1, x2)
        y = function(av, bv)

        def rule(dy):
            return tuple(unbroadcast(dy * derivative(av, bv, y), _shape(value))
                         for derivative, value in zip(derivatives, (av, bv)))
        return result(y, (a, b), rule)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"y = {formula}, element-wise with broadcasting (``keras.ops.{name}``); differentiable in "
                  f"both operands.\n\n    Example:\n        >>> from layerwise import ops\n"
                  f"        >>> float(ops.{name}(3.0, 2.0))\n        {float(function(3.0, 2.0))!r}\n    ")
    return op


add = _binary("add", np.add, (lambda a, b, y: 1.0, lambda a, b, y: 1.0), "x1 + x2")
subtract = _binary("subtract", np.subtract, (lambda a, b, y: 1.0, lambda a, b, y: -1.0), "x1 - x2")
multiply = _binary("multiply", np.multiply, (lambda a, b, y: b, lambda a, b, y: a), "x1 * x2")
divide = _binary("divide", np.divide, (lambda a, b, y: 1.0 / b, lambda a, b, y: -y / b), "x1 / x2")
true_divide = divide
# d(a^b)/db = a^b log a, taken as 0 where a <= 0 (where the power of a real exponent is not differentiable).
power = _binary("power", np.power, (lambda a, b, y: b * np.power(a, b - 1),
                                    lambda a, b, y: y * np.log(np.where(np.asarray(a) > 0, a, 1))), "x1 ** x2")
# Ties send the whole gradient to x1, as TensorFlow and JAX do.
maximum = _binary("maximum", np.maximum, (lambda a, b, y: np.asarray(a) >= b, lambda a, b, y: np.asarray(a) < b),
                  "max(x1, x2)")
minimum = _binary("minimum", np.minimum, (lambda a, b, y: np.asarray(a) <= b, lambda a, b, y: np.asarray(a) > b),
                  "min(x1, x2)")


def matmul(x1, x2):
    """The matrix product y = x1 @ x2 (``keras.ops.matmul``, NumPy's broadcasting of batch axes).

    dJ/dx1 = dJ/dy @ x2^T and dJ/dx2 = x1^T @ dJ/dy (lecture 001's dense layer), summed over broadcast
    batch axes; a 1-D operand is a row (x1) or a column (x2), as in NumPy.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.matmul(np.ones((2, 3)), np.ones((3, 4))).shape
        (2, 4)
    """
    (a, b), (av, bv) = _operands(x1, x2)
    y = np.matmul(av, bv)

    def rule(dy):
        # A 1-D operand is a matrix of one row (x1) or one column (x2), as NumPy treats it.
        a2 = av[None, :] if av.ndim == 1 else av
        b2 = bv[:, None] if bv.ndim == 1 else bv
        dy2 = np.reshape(dy, np.broadcast_shapes(a2.shape[:-2], b2.shape[:-2]) + (a2.shape[-2], b2.shape[-1]))
        da = unbroadcast(dy2 @ np.swapaxes(b2, -1, -2), a2.shape).reshape(av.shape)
        db = unbroadcast(np.swapaxes(a2, -1, -2) @ dy2, b2.shape).reshape(bv.shape)
        return da, db
    return result(y, (a, b), rule)


def dot(x1, x2):
    """``keras.ops.dot`` of operands of at most two axes: the product of vectors or matrices (see `matmul`).

    Example:
        >>> from layerwise import ops
        >>> float(ops.dot([1.0, 2.0], [3.0, 4.0]))
        11.0
    """
    if np.ndim(value_of(x1)) > 2 or np.ndim(value_of(x2)) > 2:
        raise ValueError("layerwise.ops.dot takes operands of at most 2 axes; use matmul or einsum for batches")
    return matmul(x1, x2)


def einsum(subscripts, *operands):
    """``keras.ops.einsum`` (NumPy's notation, explicit ``->`` output, no ellipsis); differentiable.

    dJ/dx_i is the einsum of dJ/dy with the other operands back to x_i's subscripts; an index of x_i that
    appears nowhere else (summed over x_i alone) is broadcast back.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> ops.einsum("bij,jk->bik", np.ones((2, 3, 4)), np.ones((4, 5))).shape
        (2, 3, 5)
    """
    if "->" not in subscripts or "." in subscripts:
        raise ValueError(f"layerwise.ops.einsum needs explicit output subscripts and no ellipsis, received "
                         f"{subscripts!r}")
    inputs, output = subscripts.replace(" ", "").split("->")
    inputs = inputs.split(",")
    if len(inputs) != len(operands) or any(len(set(s)) != len(s) for s in inputs):
        raise ValueError(f"layerwise.ops.einsum: {subscripts!r} needs one subscript per operand "
                         f"({len(operands)} given), each index once per operand")
    lifted, values = _operands(*operands)
    y = np.einsum(subscripts, *values)

    def rule(dy):
        gradients = []
        for i, (subscript, value) in enumerate(zip(inputs, values)):
            others = [s for j, s in enumerate(inputs) if j != i]
            known = set(output).union(*others)
            kept = "".join(index for index in subscript if index in known)
            gradient = np.einsum(",".join([output] + others) + "->" + kept, dy,
                                 *[v for j, v in enumerate(values) if j != i])
            shape = [np.shape(value)[subscript.index(index)] if index in kept else 1 for index in subscript]
            gradients.append(np.broadcast_to(gradient.reshape(shape), np.shape(value)).copy())
        return tuple(gradients)
    return result(y, tuple(lifted), rule)


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return tuple(a % ndim for a in (axis if isinstance(axis, (tuple, list)) else (axis,)))


def _expand(dy, shape, axis, keepdims):
    """dJ/dy of a reduction over ``axis`` broadcast back to the input's ``shape``."""
    if not keepdims:
        dy = np.expand_dims(dy, _axes(axis, len(shape)))
    # A copy: a gradient handed back is an array of its own, never a read-only view of one value.
    return np.broadcast_to(dy, shape).copy()


def sum(x, axis=None, keepdims=False):  # noqa: A001 -- keras.ops.sum
    """y = sum of x over ``axis`` (all axes when None); dJ/dx = dJ/dy broadcast back.

    Example:
        >>> from layerwise import ops
        >>> float(ops.sum([[1.0, 2.0], [3.0, 4.0]]))
        10.0
    """
    (x,), (xv,) = _operands(x)
    return result(np.sum(xv, axis=_tuple(axis), keepdims=keepdims), (x,),
                  lambda dy: (_expand(dy, xv.shape, axis, keepdims),))


def mean(x, axis=None, keepdims=False):
    """y = mean of x over ``axis``; dJ/dx = dJ/dy / N broadcast back (N entries averaged).

    Example:
        >>> from layerwise import ops
        >>> float(ops.mean([1.0, 2.0, 6.0]))
        3.0
    """
    (x,), (xv,) = _operands(x)
    count = int(np.prod([xv.shape[a] for a in _axes(axis, xv.ndim)]))
    return result(np.mean(xv, axis=_tuple(axis), keepdims=keepdims), (x,),
                  lambda dy: (_expand(dy, xv.shape, axis, keepdims) / count,))


def _extreme(function, name):
    def op(x, axis=None, keepdims=False):
        (x,), (xv,) = _operands(x)
        y = function(xv, axis=_tuple(axis), keepdims=True)

        def rule(dy):
            # Tied maxima share the gradient equally, as TensorFlow's reduce_max does.
            winners = (xv == y).astype(xv.dtype)
            winners /= winners.sum(axis=_tuple(axis), keepdims=True)
            return (_expand(dy, xv.shape, axis, keepdims) * winners,)
        return result(y if keepdims else np.squeeze(y, axis=_axes(axis, xv.ndim)), (x,), rule)
    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"y = {name} of x over ``axis``; dJ/dx = dJ/dy at the {name}imal entries (shared equally by "
                  f"ties), 0 elsewhere.\n\n    Example:\n        >>> from layerwise import ops\n"
                  f"        >>> float(ops.{name}([1.0, 3.0, 2.0]))\n        {3.0 if name == 'max' else 1.0}\n    ")
    return op


max = _extreme(np.max, "max")  # noqa: A001 -- keras.ops.max
min = _extreme(np.min, "min")  # noqa: A001 -- keras.ops.min


def var(x, axis=None, keepdims=False):
    """The (biased) variance of x over ``axis``, mean((x - mean x)^2), as composed ops.

    Example:
        >>> from layerwise import ops
        >>> float(ops.var([1.0, 3.0]))
        1.0
    """
    centered = subtract(x, mean(x, axis=axis, keepdims=True))
    return mean(square(centered), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """The standard deviation sqrt(var(x)) over ``axis``.

    Example:
        >>> from layerwise import ops
        >>> float(ops.std([1.0, 3.0]))
        1.0
    """
    return sqrt(var(x, axis=axis, keepdims=keepdims))


def logsumexp(x, axis=None, keepdims=False):
    """y = log sum exp(x) over ``axis``, computed stably; dJ/dx = dJ/dy * softmax(x).

    Example:
        >>> from layerwise import ops
        >>> round(float(ops.logsumexp([0.0, 0.0])), 6)
        0.693147
    """
    (x,), (xv,) = _operands(x)
    top = np.max(xv, axis=_tuple(axis), keepdims=True)
    shifted = np.exp(xv - top)
    total = shifted.sum(axis=_tuple(axis), keepdims=True)
    y = np.log(total) + top
    return result(y if keepdims else np.squeeze(y, axis=_axes(axis, xv.ndim)), (x,),
                  lambda dy: (_expand(dy, xv.shape, axis, keepdims) * (shifted / total),))


def norm(x, axis=None, keepdims=False):
    """The Euclidean norm sqrt(sum x^2) over ``axis`` (``keras.ops.norm`` with its default order).

    Example:
        >>> from layerwise import ops
        >>> float(ops.norm([3.0, 4.0]))
        5.0
    """
    return sqrt(sum(square(x), axis=axis, keepdims=keepdims))


def _tuple(axis):
    return tuple(axis) if isinstance(axis, list) else axis
