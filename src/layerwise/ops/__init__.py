"""`layerwise.ops`: the differentiable functions a Keras-style ``call`` is written with (``keras.ops``), and
the pure NumPy kernels that layers share (the submodules ``dense``, ``conv``, ``pooling`` ...).

Each function computes its value with NumPy and keeps, beside it, its own backward rule; inside a layer's
``call`` their results are `Tensor` records from which layerwise derives the layer's backward pass
(`layerwise.layers.Layer`). On plain arrays they are NumPy functions.

Example:
    >>> import numpy as np
    >>> from layerwise import ops
    >>> ops.matmul(np.ones((2, 3)), np.ones((3, 1))) + 1.0
    array([[4.],
           [4.]])
"""

from layerwise.ops import _autodiff
from layerwise.ops._autodiff import Tensor
from layerwise.ops.core import (argmax, argmin, cast, convert_to_numpy, convert_to_tensor, equal, full, greater,
                                greater_equal, less, less_equal, not_equal, one_hot, ones, ones_like, shape, sign,
                                stop_gradient, zeros, zeros_like)
from layerwise.ops.math import (abs, absolute, add, cos, divide, dot, einsum, exp, expm1, log, log1p, logsumexp,
                                matmul, max, maximum, mean, min, minimum, multiply, negative, norm, power,
                                reciprocal, sin, sqrt, square, std, subtract, sum, tanh, true_divide, var)
from layerwise.ops.nn import (celu, elu, gelu, hard_shrink, hard_sigmoid, hard_silu, hard_swish, hard_tanh,
                              leaky_relu, log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu,
                              soft_shrink, softmax, softplus, softsign, sparse_plus, sparse_sigmoid, sparsemax,
                              squareplus, swish, tanh_shrink)
from layerwise.ops.shapes import (broadcast_to, clip, concatenate, expand_dims, getitem, reshape, split, squeeze,
                                  stack, take, transpose, where)

__all__ = [
    "Tensor",
    # arithmetic, element-wise functions, products and reductions
    "abs", "absolute", "add", "cos", "divide", "dot", "einsum", "exp", "expm1", "log", "log1p", "logsumexp",
    "matmul", "max", "maximum", "mean", "min", "minimum", "multiply", "negative", "norm", "power", "reciprocal",
    "sin", "sqrt", "square", "std", "subtract", "sum", "tanh", "true_divide", "var",
    # activations
    "celu", "elu", "gelu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu",
    "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax",
    "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink",
    # shapes, joins, slices and selection
    "broadcast_to", "clip", "concatenate", "expand_dims", "getitem", "reshape", "split", "squeeze", "stack",
    "take", "transpose", "where",
    # values without a gradient of their own, and conversions
    "argmax", "argmin", "cast", "convert_to_numpy", "convert_to_tensor", "equal", "full", "greater",
    "greater_equal", "less", "less_equal", "not_equal", "one_hot", "ones", "ones_like", "shape", "sign",
    "stop_gradient", "zeros", "zeros_like",
]


def _swapped(function):
    return lambda self, other: function(other, self)


# A Tensor's operators are these functions, so ``x @ w + b`` records the same ops as ``add(matmul(x, w), b)``.
for _operator, _function in {"add": add, "sub": subtract, "mul": multiply, "truediv": divide, "pow": power,
                             "matmul": matmul}.items():
    setattr(Tensor, f"__{_operator}__", _function)
    setattr(Tensor, f"__r{_operator}__", _swapped(_function))
for _operator, _function in {"lt": less, "le": less_equal, "gt": greater, "ge": greater_equal, "eq": equal,
                             "ne": not_equal}.items():
    setattr(Tensor, f"__{_operator}__", _function)
# Element-wise == makes a Tensor unhashable, as a NumPy array is (records are keyed by id).
Tensor.__hash__ = None
Tensor.__neg__ = negative
Tensor.__abs__ = absolute
Tensor.__getitem__ = getitem
Tensor.T = property(transpose)
_autodiff.UFUNCS.update({name: name for name in (
    "add", "subtract", "multiply", "divide", "power", "matmul", "negative", "absolute", "square", "sqrt", "exp",
    "log", "log1p", "expm1", "sin", "cos", "tanh", "reciprocal", "maximum", "minimum", "greater",
    "greater_equal", "less", "less_equal", "equal", "not_equal", "sign")})
_autodiff.UFUNCS["true_divide"] = "divide"
