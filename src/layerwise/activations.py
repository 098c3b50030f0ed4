"""Activation functions and their derivatives, as ``fn/grad`` pairs (lecture 001: the non-linear layer).

Each public function (``relu(x)``, ``softmax(x, axis=-1)`` ...) computes f(x) as Keras's function of the
same name does. Layers use them through `get(identifier)`, which returns an `ActivationFunction`: the
forward function together with its backward rule dJ/dx = dJ/dy * f'(x). A backward rule reads either
the input x or the output y, whichever is cheaper (sigmoid, tanh and softmax from y, as the conventions
ask); ``ActivationFunction.reads`` says which, so that a layer can compute f in place when only y is
needed.

The sign and step functions of Rosenblatt's perceptron (lecture 001) have no useful derivative;
backpropagating through them raises an error instead of silently passing zeros.
"""

import functools
import math

import numpy as np

from layerwise.ops import _compiled, special
from layerwise.ops._autodiff import is_traced, operands, result
from layerwise.ops._lanes import elementwise_in_lanes
from layerwise.utils.identifiers import deserializer
from layerwise.utils.registry import Registry


__all__ = [
    "ActivationFunction", "get", "serialize", "deserialize", "recorded", "celu", "elu", "exponential", "gelu",
    "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear",
    "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "sigmoid", "sign", "silu", "soft_shrink",
    "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "step", "swish",
    "tanh", "tanh_shrink", "threshold",
]


def _store(value, out):
    """Return ``value``, written into ``out`` when one is given."""
    if out is None:
        return value
    out[...] = value
    return out


def linear(x, out=None):
    """f(x) = x.

    Example:
        >>> import numpy as np
        >>> linear(np.array([-1.0, 2.0]))
        array([-1.,  2.])
    """
    return _store(x, out)


def sigmoid(x, out=None):
    """f(x) = 1 / (1 + exp(-x)), computed without overflow for large |x|.

    Example:
        >>> import numpy as np
        >>> sigmoid(np.array([0.0, 1000.0]))
        array([0.5, 1. ])
    """
    exp_neg_abs = np.exp(-np.abs(x))
    numerator = np.where(x >= 0, 1.0, exp_neg_abs).astype(exp_neg_abs.dtype, copy=False)
    exp_neg_abs += 1.0
    return np.divide(numerator, exp_neg_abs, out=out)


def tanh(x, out=None):
    """f(x) = tanh(x).

    Example:
        >>> import numpy as np
        >>> np.round(tanh(np.array([0.0, 1.0])), 4)
        array([0.    , 0.7616])
    """
    return np.tanh(x, out=out)


#: Length of the rows of zeros that `relu` compares floating arrays with.
_ZERO_ROW = 16384


@functools.lru_cache(maxsize=8)
def _zero_row(dtype):
    row = np.zeros(_ZERO_ROW, dtype=dtype)
    row.flags.writeable = False
    return row


def relu(x, out=None):
    """f(x) = max(x, 0) (the rectifier of lecture 004).

    Contiguous float32 and float64 arrays run a compiled kernel when the compiled kernels run
    (`layerwise.ops._compiled`). Otherwise NumPy's maximum of an array and a scalar runs without SIMD, four times
    slower than the maximum of two arrays (measured on float32 in cache), so contiguous floating arrays are compared
    with a row of zeros broadcast over rows of `_ZERO_ROW` elements, and the remainder with a prefix of that row.

    Example:
        >>> import numpy as np
        >>> relu(np.array([-1.0, 2.0]))
        array([0., 2.])
    """
    x = np.asarray(x)
    if out is None:
        out = np.empty_like(x)
    if x.dtype.kind != "f" or out.dtype != x.dtype or not (x.flags.c_contiguous and out.flags.c_contiguous):
        return np.maximum(x, 0, out=out)
    if out is x and _compiled.runs_on(x):
        return elementwise_in_lanes(_compiled.relu_in_place, out)
    return elementwise_in_lanes(_relu_flat, out, x)


def _relu_flat(out, x):
    """`relu` of a 1-D contiguous float array into ``out``."""
    if _compiled.runs_on(out, x):
        _compiled.relu(out, x)
        return
    zeros = _zero_row(x.dtype)
    whole = x.size - x.size % _ZERO_ROW
    np.maximum(x[:whole].reshape(-1, _ZERO_ROW), zeros, out=out[:whole].reshape(-1, _ZERO_ROW))
    np.maximum(x[whole:], zeros[:x.size - whole], out=out[whole:])


def leaky_relu(x, out=None, negative_slope=0.2):
    """f(x) = x for x > 0, negative_slope * x otherwise (Keras's default slope 0.2).

    Example:
        >>> import numpy as np
        >>> leaky_relu(np.array([-1.0, 2.0]))
        array([-0.2,  2. ])
        >>> leaky_relu(np.array([-1.0, 2.0]), negative_slope=0.5)
        array([-0.5,  2. ])
    """
    return _store(np.where(x > 0, x, x * negative_slope), out)


def elu(x, out=None, alpha=1.0):
    """f(x) = x for x > 0, alpha (exp(x) - 1) otherwise.

    Example:
        >>> import numpy as np
        >>> np.round(elu(np.array([-1.0, 2.0])), 4)  # exp(-1) - 1 = -0.6321
        array([-0.6321,  2.    ])
    """
    return _store(np.where(x > 0, x, np.expm1(np.minimum(x, 0)) * alpha), out)


def selu(x, out=None):
    """f(x) = scale * elu(x, alpha) with Klambauer et al.'s self-normalizing constants.

    Example:
        >>> import numpy as np
        >>> np.round(selu(np.array([0.0, 1.0])), 4)  # scale = 1.0507
        array([0.    , 1.0507])
    """
    y = elu(x, out=out, alpha=_SELU_ALPHA)
    y *= _SELU_SCALE
    return y


def softplus(x, out=None):
    """f(x) = log(1 + exp(x)), computed as max(x, 0) + log1p(exp(-|x|)) (lecture 004).

    Example:
        >>> import numpy as np
        >>> np.round(softplus(np.array([0.0, 100.0])), 4)  # log 2, and x for large x
        array([  0.6931, 100.    ])
    """
    y = np.log1p(np.exp(-np.abs(x)))
    return np.add(y, np.maximum(x, 0), out=out)


def softsign(x, out=None):
    """f(x) = x / (1 + |x|).

    Example:
        >>> import numpy as np
        >>> softsign(np.array([-1.0, 3.0]))
        array([-0.5 ,  0.75])
    """
    return np.divide(x, np.abs(x) + 1, out=out)


def silu(x, out=None):
    """f(x) = x * sigmoid(x) (also called swish).

    Example:
        >>> import numpy as np
        >>> np.round(silu(np.array([0.0, 1.0])), 4)  # 1 * sigmoid(1) = 0.7311
        array([0.    , 0.7311])
    """
    return np.multiply(x, sigmoid(x), out=out)


def hard_sigmoid(x, out=None):
    """f(x) = clip(x / 6 + 1/2, 0, 1), Keras 3's and PyTorch's piecewise-linear sigmoid.

    Example:
        >>> import numpy as np
        >>> hard_sigmoid(np.array([-3.0, 0.0, 1.5, 3.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    y = np.multiply(x, 1.0 / 6.0, out=out)
    y += 0.5
    return np.clip(y, 0.0, 1.0, out=y)


def softmax(x, out=None, axis=-1):
    """f(x)_i = exp(x_i) / sum_j exp(x_j) along ``axis`` (lecture 003: the softmax output layer).

    Example:
        >>> import numpy as np
        >>> np.round(softmax(np.array([0.0, np.log(3.0)])), 4)  # e^0 : e^log 3 = 1 : 3
        array([0.25, 0.75])
    """
    if (x.ndim == 2 and axis in (-1, 1) and x.flags.c_contiguous and x.shape[1] and _compiled.runs_on(x)
            and (out is None or out.dtype == x.dtype and out.shape == x.shape and out.flags.c_contiguous)):
        # The batch of class scores that ends a classifier: one compiled call instead of NumPy's five
        y = np.empty_like(x) if out is None else out
        _compiled.softmax_rows(x, y)
        return y
    y = np.subtract(x, x.max(axis=axis, keepdims=True), out=out)
    np.exp(y, out=y)
    y /= y.sum(axis=axis, keepdims=True)
    return y


def exponential(x, out=None):
    """f(x) = exp(x).

    Example:
        >>> import numpy as np
        >>> np.round(exponential(np.array([0.0, 1.0])), 4)
        array([1.    , 2.7183])
    """
    return np.exp(x, out=out)


def sign(x, out=None):
    """The perceptron's sign function (lecture 001): +1 for x > 0, -1 for x < 0, 0 at 0.

    Example:
        >>> import numpy as np
        >>> sign(np.array([-2.0, 0.0, 3.0]))
        array([-1.,  0.,  1.])
    """
    return np.sign(x, out=out)


def step(x, out=None):
    """The Heaviside step function: 1 for x >= 0, 0 otherwise.

    Example:
        >>> import numpy as np
        >>> step(np.array([-2.0, 0.0, 3.0]))
        array([0., 1., 1.])
    """
    return _store((x >= 0).astype(x.dtype), out)


def relu6(x, out=None):
    """f(x) = min(max(x, 0), 6).

    Example:
        >>> import numpy as np
        >>> relu6(np.array([-1.0, 3.0, 8.0]))
        array([0., 3., 6.])
    """
    return np.clip(x, 0.0, 6.0, out=out)


def hard_tanh(x, out=None):
    """f(x) = clip(x, -1, 1).

    Example:
        >>> import numpy as np
        >>> hard_tanh(np.array([-2.0, 0.5, 2.0]))
        array([-1. ,  0.5,  1. ])
    """
    return np.clip(x, -1.0, 1.0, out=out)


def hard_silu(x, out=None):
    """f(x) = x relu6(x + 3) / 6 (hard swish): 0 below -3, x above 3, x (x + 3) / 6 between.

    Example:
        >>> import numpy as np
        >>> hard_silu(np.array([0.0, 1.5, 6.0]))  # 1.5 (1.5 + 3) / 6 = 1.125
        array([0.   , 1.125, 6.   ])
    """
    return np.multiply(x, hard_sigmoid(x), out=out)


def gelu(x, out=None, approximate=False):
    """f(x) = x Φ(x), Φ the standard normal CDF (Hendrycks & Gimpel); with ``approximate``,
    x (1 + tanh(sqrt(2/π) (x + 0.044715 x^3))) / 2.

    Example:
        >>> import numpy as np
        >>> np.round(gelu(np.array([0.0, 1.0])), 4)  # Φ(1) = 0.8413
        array([0.    , 0.8413])
        >>> np.round(gelu(np.array([0.0, 1.0]), approximate=True), 4)
        array([0.    , 0.8412])
    """
    if approximate:
        return np.multiply(x, 0.5 * (1.0 + np.tanh(_gelu_inner(x))), out=out)
    return np.multiply(x, special.normal_cdf(x), out=out)


def _gelu_inner(x):
    return _SQRT_2_OVER_PI * (x + _GELU_CUBIC * x * x * x)


def mish(x, out=None):
    """f(x) = x tanh(softplus(x)) (Misra).

    Example:
        >>> import numpy as np
        >>> np.round(mish(np.array([0.0, 1.0])), 4)  # tanh(log(1 + e)) = 0.8651
        array([0.    , 0.8651])
    """
    return np.multiply(x, np.tanh(softplus(x)), out=out)


def celu(x, out=None, alpha=1.0):
    """f(x) = x for x > 0, alpha (exp(x / alpha) - 1) otherwise (Barron).

    Example:
        >>> import numpy as np
        >>> np.round(celu(np.array([-1.0, 2.0])), 4)  # exp(-1) - 1 = -0.6321
        array([-0.6321,  2.    ])
        >>> np.round(celu(np.array([-1.0, 2.0]), alpha=2.0), 4)  # 2 (exp(-1/2) - 1) = -0.7869
        array([-0.7869,  2.    ])
    """
    return _store(np.where(x > 0, x, np.expm1(np.minimum(x, 0) / alpha) * alpha), out)


def log_sigmoid(x, out=None):
    """f(x) = log sigmoid(x) = -softplus(-x).

    Example:
        >>> import numpy as np
        >>> np.round(log_sigmoid(np.array([0.0, -100.0])), 4)  # log(1/2), and x for very negative x
        array([  -0.6931, -100.    ])
    """
    return np.negative(softplus(-x), out=out)


def log_softmax(x, out=None, axis=-1):
    """f(x)_i = x_i - log sum_j exp(x_j) along ``axis``, computed with the maximum subtracted.

    Example:
        >>> import numpy as np
        >>> np.round(log_softmax(np.array([0.0, 0.0])), 4)  # log(1/2) each
        array([-0.6931, -0.6931])
    """
    y = np.subtract(x, x.max(axis=axis, keepdims=True), out=out)
    y -= np.log(np.exp(y).sum(axis=axis, keepdims=True))
    return y


def tanh_shrink(x, out=None):
    """f(x) = x - tanh(x).

    Example:
        >>> import numpy as np
        >>> np.round(tanh_shrink(np.array([0.0, 1.0])), 4)  # 1 - tanh(1) = 0.2384
        array([0.    , 0.2384])
    """
    return np.subtract(x, np.tanh(x), out=out)


def hard_shrink(x, out=None, threshold=0.5):
    """f(x) = x where |x| > threshold, 0 elsewhere.

    Example:
        >>> import numpy as np
        >>> hard_shrink(np.array([-1.0, 0.2, 0.7]))
        array([-1. ,  0. ,  0.7])
    """
    return _store(np.where(np.abs(x) > threshold, x, 0).astype(x.dtype, copy=False), out)


def soft_shrink(x, out=None, threshold=0.5):
    """f(x) = x - threshold above threshold, x + threshold below -threshold, 0 between.

    Example:
        >>> import numpy as np
        >>> soft_shrink(np.array([-1.0, 0.2, 2.0]))
        array([-0.5,  0. ,  1.5])
    """
    return _store(np.sign(x) * np.maximum(np.abs(x) - threshold, 0), out)


def threshold(x, out=None, threshold=0.0, default_value=0.0):
    """f(x) = x where x > threshold, default_value elsewhere (Keras requires both arguments; 0 here).

    Example:
        >>> import numpy as np
        >>> threshold(np.array([0.0, 1.0, 2.0]), threshold=1.0, default_value=-1.0)
        array([-1., -1.,  2.])
    """
    return _store(np.where(x > threshold, x, default_value).astype(x.dtype, copy=False), out)


def sparse_plus(x, out=None):
    """f(x) = 0 for x <= -1, (x + 1)^2 / 4 for -1 < x < 1, x for x >= 1.

    Example:
        >>> import numpy as np
        >>> sparse_plus(np.array([-2.0, 0.0, 2.0]))
        array([0.  , 0.25, 2.  ])
    """
    inside = np.clip(x, -1.0, 1.0) + 1.0
    return _store(np.where(x >= 1, x, 0.25 * inside * inside), out)


def sparse_sigmoid(x, out=None):
    """f(x) = clip((x + 1) / 2, 0, 1) (Blondel et al.).

    Example:
        >>> import numpy as np
        >>> sparse_sigmoid(np.array([-2.0, 0.0, 0.5, 2.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    y = np.add(x, 1.0, out=out)
    y *= 0.5
    return np.clip(y, 0.0, 1.0, out=y)


def squareplus(x, out=None, b=4.0):
    """f(x) = (x + sqrt(x^2 + b)) / 2 (Barron), b >= 0.

    Example:
        >>> import numpy as np
        >>> squareplus(np.array([0.0, 3.0]), b=16.0)  # (0 + 4) / 2, (3 + 5) / 2
        array([2., 4.])
    """
    y = np.add(x, np.sqrt(x * x + b), out=out)
    y *= 0.5
    return y


def sparsemax(x, out=None, axis=-1):
    """f(x) = the Euclidean projection of x onto the probability simplex along ``axis`` (Martins & Astudillo):
    f(x)_i = max(x_i - τ, 0), τ such that the outputs sum to 1.

    Example:
        >>> import numpy as np
        >>> sparsemax(np.array([1.0, 0.5, -1.0]))  # τ = 0.25; the outputs sum to 1
        array([0.75, 0.25, 0.  ])
    """
    moved = np.moveaxis(x, axis, -1)
    ranked = -np.sort(-moved, axis=-1)
    cumulative = np.cumsum(ranked, axis=-1)
    k = np.arange(1, moved.shape[-1] + 1, dtype=x.dtype)
    support = (1 + k * ranked > cumulative).sum(axis=-1, keepdims=True)
    tau = (np.take_along_axis(cumulative, support - 1, axis=-1) - 1) / support.astype(x.dtype)
    return _store(np.moveaxis(np.maximum(moved - tau, 0), -1, axis), out)


def glu(x, out=None, axis=-1):
    """Gated linear unit (Dauphin et al. 2017): x split in halves a, b along ``axis``, f(x) = a ⊙ sigmoid(b); the
    output has half of x's size along ``axis``. As a layer, ``Activation("glu")``; a layer's element-wise
    ``activation=`` argument (Dense, Conv2D ...) keeps its units, so it does not take glu.

    Example:
        >>> import numpy as np
        >>> glu(np.array([1.0, 2.0, 0.0, 0.0]))  # [1, 2] * sigmoid([0, 0])
        array([0.5, 1. ])
    """
    if x.shape[axis] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even (it is split in two halves), received an "
                         f"input of shape {x.shape}")
    a, b = np.split(x, 2, axis=axis)
    y = sigmoid(b, out=out)
    y *= a
    return y


#: Keras's other names: swish is silu, hard_swish is hard_silu.
swish, hard_swish = silu, hard_silu

_SQRT_2_OVER_PI, _GELU_CUBIC = math.sqrt(2.0 / math.pi), 0.044715
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _linear_grad(dy, x, y):
    return dy


def _sigmoid_grad(dy, x, y):
    return dy * (y * (1 - y))


def _tanh_grad(dy, x, y):
    return dy * (1 - y * y)


def _relu_grad(dy, x, y):
    # A product with the boolean mask: six times faster than np.where on a 12 MB conv feature map.
    if dy.shape != y.shape:
        return dy * (y > 0)
    return elementwise_in_lanes(_relu_grad_flat, np.empty_like(dy), dy, y)


def _relu_grad_flat(out, dy, y):
    if out.ndim == 1 and _compiled.runs_on(out, dy, y):  # the flat slices of `elementwise_in_lanes`
        _compiled.relu_gradient(out, dy, y)
    else:
        np.multiply(dy, y > 0, out=out)


def _leaky_relu_grad(dy, x, y, negative_slope=0.2):
    return np.where(x > 0, dy, dy * negative_slope).astype(dy.dtype, copy=False)


def _elu_grad(dy, x, y, alpha=1.0):
    return np.where(x > 0, dy, dy * (y + alpha)).astype(dy.dtype, copy=False)


def _selu_grad(dy, x, y):
    return np.where(x > 0, dy * _SELU_SCALE, dy * (y + _SELU_SCALE * _SELU_ALPHA)).astype(
        dy.dtype, copy=False)


def _softplus_grad(dy, x, y):
    return dy * sigmoid(x)


def _softsign_grad(dy, x, y):
    denominator = np.abs(x) + 1
    return dy / (denominator * denominator)


def _silu_grad(dy, x, y):
    s = sigmoid(x)
    return dy * (s * (1 + x * (1 - s)))


def _hard_sigmoid_grad(dy, x, y):
    return (dy * ((x > -3) & (x < 3))) * (1.0 / 6.0)


def _softmax_grad(dy, x, y, axis=-1):
    return y * (dy - (dy * y).sum(axis=axis, keepdims=True))


def _exponential_grad(dy, x, y):
    return dy * y


def _relu6_grad(dy, x, y):
    return dy * ((y > 0) & (y < 6))


def _hard_tanh_grad(dy, x, y):
    return dy * (np.abs(y) < 1)


def _hard_silu_grad(dy, x, y):
    return np.where(x > 3, dy, dy * ((x > -3) & (x < 3)) * (x * (1.0 / 3.0) + 0.5)).astype(dy.dtype, copy=False)


def _gelu_grad(dy, x, y, approximate=False):
    if approximate:
        t = np.tanh(_gelu_inner(x))
        return dy * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * _GELU_CUBIC * x * x))
    return dy * (special.normal_cdf(x) + x * special.normal_pdf(x))


def _mish_grad(dy, x, y):
    t = np.tanh(softplus(x))
    return dy * (t + x * sigmoid(x) * (1 - t * t))


def _celu_grad(dy, x, y, alpha=1.0):
    # exp(x / alpha) from x: y / alpha + 1 loses its relative precision where exp(x / alpha) is tiny.
    return np.where(x > 0, dy, dy * np.exp(np.minimum(x, 0) / alpha)).astype(dy.dtype, copy=False)


def _log_sigmoid_grad(dy, x, y):
    return dy * -np.expm1(y)


def _log_softmax_grad(dy, x, y, axis=-1):
    return dy - np.exp(y) * dy.sum(axis=axis, keepdims=True)


def _tanh_shrink_grad(dy, x, y):
    t = x - y
    return dy * (t * t)


def _shrink_grad(dy, x, y, threshold=0.5):
    return dy * (np.abs(x) > threshold)


def _threshold_grad(dy, x, y, threshold=0.0, default_value=0.0):
    return dy * (x > threshold)


def _sparse_plus_grad(dy, x, y):
    return dy * np.clip(0.5 * (x + 1), 0.0, 1.0)


def _sparse_sigmoid_grad(dy, x, y):
    return dy * ((y > 0) & (y < 1)) * 0.5


def _squareplus_grad(dy, x, y, b=4.0):
    return dy * (0.5 + 0.5 * x / np.sqrt(x * x + b))


def _sparsemax_grad(dy, x, y, axis=-1):
    # On the support S (y > 0): dJ/dx = dJ/dy - mean_S dJ/dy; off it, 0.
    support = y > 0
    mean = (dy * support).sum(axis=axis, keepdims=True) / support.sum(axis=axis, keepdims=True).astype(dy.dtype)
    return (dy - mean) * support


def _glu_grad(dy, x, y, axis=-1):
    # dJ/da = dJ/dy ⊙ sigmoid(b),  dJ/db = dJ/dy ⊙ a ⊙ sigmoid(b) (1 - sigmoid(b)).
    a, b = np.split(x, 2, axis=axis)
    gate = sigmoid(b)
    da = dy * gate
    return np.concatenate([da, da * a * (1.0 - gate)], axis=axis)


def _no_grad(name):
    def grad(dy, x, y, **kwargs):
        raise ValueError(
            f"The '{name}' activation has no useful derivative (it is piecewise constant), so it "
            "cannot be backpropagated through; train it with the perceptron rule "
            "(layerwise.models.Perceptron) or use a differentiable activation such as 'sigmoid'.")
    return grad


class ActivationFunction:
    """An activation f with its backward rule, usable as ``f(x)``.

    Args:
        name: the Keras name ("relu", "softmax" ...).
        function: f(x, out=None, **kwargs) (kept as the attribute ``function``, without the fixed arguments).
        gradient: (dy, x, y, **kwargs) -> dJ/dx.
        reads: "input", "output" or "nothing": what the gradient needs besides dy.
        **kwargs: fixed arguments of f (negative_slope, alpha, axis).

    Example:
        >>> import numpy as np
        >>> f = get("leaky_relu", negative_slope=0.5)
        >>> f, f.reads
        (ActivationFunction('leaky_relu', negative_slope=0.5), 'input')
        >>> x = np.array([-2.0, 3.0])
        >>> y = f.forward(x)
        >>> y
        array([-1.,  3.])
        >>> f.backward(np.ones(2), x, y)  # dJ/dy * f'(x), f' = 0.5 below 0 and 1 above
        array([0.5, 1. ])
    """

    def __init__(self, name, function, gradient, reads, **kwargs):
        self.name, self.function, self.reads, self.kwargs = name, function, reads, kwargs
        self._function = functools.partial(function, **kwargs)
        self._gradient = functools.partial(gradient, **kwargs)

    def __call__(self, x, out=None):
        return self._function(x, out=out)

    def forward(self, x, out=None):
        """y = f(x); ``out`` may be ``x`` itself when ``reads != "input"``."""
        return self._function(x, out=out)

    def backward(self, dy, x, y):
        """dJ/dx = dJ/dy * f'(x), from x or y as ``reads`` says."""
        return self._gradient(dy, x, y)

    def compute_output_shape(self, input_shape):
        """The shape of f(x) for x of ``input_shape``: the same, except for glu, which halves its axis."""
        shape = list(input_shape)
        if self.name == "glu":
            axis = self.kwargs.get("axis", -1)
            shape[axis] = None if shape[axis] is None else shape[axis] // 2
        return tuple(shape)

    def __repr__(self):
        arguments = "".join(f", {k}={v!r}" for k, v in self.kwargs.items())
        return f"ActivationFunction({self.name!r}{arguments})"


# name -> (function, gradient, what the gradient reads); one entry per name.
_TABLE = Registry("activation")
for _name, *_entry in [
    ("linear", linear, _linear_grad, "nothing"),
    ("sigmoid", sigmoid, _sigmoid_grad, "output"),
    ("tanh", tanh, _tanh_grad, "output"),
    ("relu", relu, _relu_grad, "output"),
    ("leaky_relu", leaky_relu, _leaky_relu_grad, "input"),
    ("elu", elu, _elu_grad, "input"),
    ("selu", selu, _selu_grad, "input"),
    ("softplus", softplus, _softplus_grad, "input"),
    ("softsign", softsign, _softsign_grad, "input"),
    ("silu", silu, _silu_grad, "input"),
    ("swish", silu, _silu_grad, "input"),
    ("hard_sigmoid", hard_sigmoid, _hard_sigmoid_grad, "input"),
    ("softmax", softmax, _softmax_grad, "output"),
    ("exponential", exponential, _exponential_grad, "output"),
    ("relu6", relu6, _relu6_grad, "output"),
    ("hard_tanh", hard_tanh, _hard_tanh_grad, "output"),
    ("hard_silu", hard_silu, _hard_silu_grad, "input"),
    ("hard_swish", hard_silu, _hard_silu_grad, "input"),
    ("gelu", gelu, _gelu_grad, "input"),
    ("mish", mish, _mish_grad, "input"),
    ("celu", celu, _celu_grad, "input"),
    ("log_sigmoid", log_sigmoid, _log_sigmoid_grad, "output"),
    ("log_softmax", log_softmax, _log_softmax_grad, "output"),
    ("tanh_shrink", tanh_shrink, _tanh_shrink_grad, "input"),
    ("hard_shrink", hard_shrink, _shrink_grad, "input"),
    ("soft_shrink", soft_shrink, _shrink_grad, "input"),
    ("threshold", threshold, _threshold_grad, "input"),
    ("sparse_plus", sparse_plus, _sparse_plus_grad, "input"),
    ("sparse_sigmoid", sparse_sigmoid, _sparse_sigmoid_grad, "output"),
    ("squareplus", squareplus, _squareplus_grad, "input"),
    ("sparsemax", sparsemax, _sparsemax_grad, "output"),
    ("glu", glu, _glu_grad, "input"),
    ("sign", sign, _no_grad("sign"), "nothing"),
    ("step", step, _no_grad("step"), "nothing"),
]:
    _TABLE[_name] = tuple(_entry)
#: Keras's aliases in the table, which name the function of another entry.
ALIASES = {"swish": "silu", "hard_swish": "hard_silu"}
_BY_FUNCTION = {entry[0]: name for name, entry in _TABLE.items() if name not in ALIASES}


def recorded(name, x, **kwargs):
    """y = f(x) for the activation ``name`` (with its fixed ``kwargs``), recorded with its backward rule
    dJ/dx = dJ/dy f'(x) when x is a Tensor of a layer's ``call`` (`layerwise.ops`' activations are this).

    Example:
        >>> import numpy as np
        >>> recorded("relu", np.array([-1.0, 2.0]))
        array([0., 2.])
    """
    function = get(name, **kwargs)
    (x,), (xv,) = operands(x)
    y = function(xv)
    return result(y, (x,), lambda dy: (function.backward(dy, xv, y),))


def _recorded_in_calls(name, function):
    """``function`` that, given a Tensor of a layer's ``call`` (keras.io writes ``keras.activations.relu(x)``
    there), records itself with its gradient (`recorded`); layers use the table's plain function."""
    @functools.wraps(function)
    def apply(x, out=None, **kwargs):
        if out is None and is_traced(x):
            return recorded(name, x, **kwargs)
        return function(x, out=out, **kwargs)
    return apply


for _function, _name in list(_BY_FUNCTION.items()):
    _recorded = _recorded_in_calls(_name, _function)
    globals()[_function.__name__] = _recorded
    _BY_FUNCTION[_recorded] = _name


def get(identifier, **kwargs) -> ActivationFunction:
    """Turn None, a name, one of this module's functions or an ActivationFunction into an ActivationFunction.

    Args:
        identifier: None (linear), "relu", `layerwise.activations.relu`, an ActivationFunction, or
            the dict that `serialize` returns.
        **kwargs: fixed arguments of the function, e.g. ``negative_slope=0.3`` or ``axis=1``.

    Example:
        >>> import numpy as np
        >>> f = get("relu")
        >>> f(np.array([-1.0, 2.0]))
        array([0., 2.])
    """
    if isinstance(identifier, ActivationFunction):
        return identifier
    if isinstance(identifier, dict) and "class_name" in identifier:
        return get(identifier["class_name"], **identifier.get("config", {}), **kwargs)
    if identifier is None:
        identifier = "linear"
    if callable(identifier) and identifier in _BY_FUNCTION:
        identifier = _BY_FUNCTION[identifier]
    if isinstance(identifier, str) and identifier in _TABLE:
        function, gradient, reads = _TABLE[identifier]
        return ActivationFunction(identifier, function, gradient, reads, **kwargs)
    raise ValueError(
        f"Unknown activation {identifier!r}: layerwise needs the derivative of every activation it "
        f"trains through; known names: {sorted(_TABLE)}")


def serialize(activation: ActivationFunction):
    """Return the name of an activation, or a dict with its fixed arguments.

    Example:
        >>> serialize(get("relu"))
        'relu'
        >>> serialize(get("leaky_relu", negative_slope=0.5))
        {'class_name': 'leaky_relu', 'config': {'negative_slope': 0.5}}
    """
    if not activation.kwargs:
        return activation.name
    return {"class_name": activation.name, "config": dict(activation.kwargs)}


deserialize = deserializer(get, "activation")
deserialize.__doc__ += """

Example:
    >>> import numpy as np
    >>> f = deserialize({"class_name": "leaky_relu", "config": {"negative_slope": 0.5}})
    >>> f(np.array([-2.0, 3.0]))
    array([-1.,  3.])
"""
# doctest collects the examples of the functions defined in this module; `deserialize` is made in
# layerwise.utils.identifiers, so its example is listed here to run as well.
__test__ = {"deserialize": deserialize}
