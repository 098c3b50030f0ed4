"""L2 normalization along an axis and its backward pass (Keras's ``normalize``/``l2_normalize``).

f(x) = x / r with r = sqrt(max(sum_axis x^2, eps)), eps = 1e-12 so a zero vector stays finite. Where the sum
is above eps, dJ/dx = (dJ/dy - y sum_axis(y dJ/dy)) / r (the component along y is removed); where r is the
constant sqrt(eps), dJ/dx = dJ/dy / r.
"""

import numpy as np

EPSILON = 1e-12


def l2_normalize(x, axis=-1):
    """Return ``(y, r)``: x scaled to unit L2 norm along ``axis``, and the norms r (kept dims) for backward."""
    squares = np.sum(x * x, axis=axis, keepdims=True)
    norms = np.sqrt(np.maximum(squares, EPSILON)).astype(x.dtype, copy=False)
    return x / norms, norms


def l2_normalize_backward(dy, y, norms, axis=-1):
    """dJ/dx of `l2_normalize` from its output y and norms r."""
    along = np.sum(y * dy, axis=axis, keepdims=True) * (norms * norms > EPSILON)
    return (dy - y * along) / norms
