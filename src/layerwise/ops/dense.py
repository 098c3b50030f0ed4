"""The affine map z = x W + b and its backward pass, on the last axis of x."""

import numpy as np


def dense_forward(x, kernel, bias=None):
    """z = x W + b for x of shape (..., n_in), W (n_in, n_out), b (n_out,)."""
    z = np.matmul(x, kernel)
    if bias is not None:
        z += bias
    return z


def dense_backward(dz, x, kernel, bias=None, input_gradient=True):
    """Add dJ/dW = x^T dz and dJ/db = sum dz into the parameters' grads; return dJ/dx = dz W^T.

    Args:
        dz: dJ/dz, shape (..., n_out); x: the forward input (..., n_in).
        kernel, bias: the `Parameter`s W and b (bias may be None).
        input_gradient: whether to compute dJ/dx (None is returned otherwise).

    Leading axes of x and dz beyond the last are treated as batch axes.
    """
    x2 = x.reshape(-1, x.shape[-1])
    dz2 = dz.reshape(-1, dz.shape[-1])
    kernel.accumulate_matmul(x2.T, dz2)
    if bias is not None:
        bias.grad += dz2.sum(axis=0)
    return np.matmul(dz, kernel.value.T) if input_gradient else None
