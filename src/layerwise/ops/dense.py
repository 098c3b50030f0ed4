"""The affine map z = x W + b and its backward pass, on the last axis of x."""

import numpy as np

from layerwise.ops._lanes import in_lanes


def product(a, b, out=None):
    """a @ b for matrices, written into ``out`` when given, split over the executor's lanes
    (`layerwise.ops._lanes`), each lane writing its own block of the product: the rows of a when a is the
    larger operand, else the columns of b. Each lane packs only its part of the larger operand (split by rows,
    both lanes packed all of an MLP's 3-4 MB weight matrices, and its epoch took 6.2 s instead of 5.5 s)."""
    (rows, inner), columns = a.shape, b.shape[1]
    if out is None:
        out = np.empty((rows, columns), dtype=np.result_type(a, b))

    def by_rows(_, start, stop):
        np.matmul(a[start:stop], b, out=out[start:stop])

    def by_columns(_, start, stop):
        np.matmul(a, b[:, start:stop], out=out[:, start:stop])
    if rows >= columns:
        in_lanes(by_rows, rows, inner * a.itemsize)
    else:
        in_lanes(by_columns, columns, inner * b.itemsize)
    return out


def add_product(out, a, b, overwrite=False):
    """out += a @ b, or out = a @ b with ``overwrite`` (the product then written straight into ``out``: a
    weight gradient is one large product per step, and writing it in place saves a temporary and a pass)."""
    if overwrite:
        product(a, b, out=out)
    else:
        out += product(a, b)
    return out


def dense_forward(x, kernel, bias=None):
    """z = x W + b for x of shape (..., n_in), W (n_in, n_out), b (n_out,)."""
    z = product(x.reshape(-1, x.shape[-1]), kernel).reshape(x.shape[:-1] + kernel.shape[-1:])
    if bias is not None:
        z += bias
    return z


def dense_backward(dz, x, kernel, kernel_grad, bias_grad=None, input_gradient=True, overwrite=False,
                   grad_scale=None):
    """Add dJ/dW = x^T dz into ``kernel_grad`` and dJ/db = sum dz into ``bias_grad``; return dJ/dx = dz W^T.

    Args:
        dz: dJ/dz, shape (..., n_out); x: the forward input (..., n_in); kernel: W (n_in, n_out).
        kernel_grad, bias_grad: the arrays the gradients are added into (bias_grad may be None).
        input_gradient: whether to compute dJ/dx (None is returned otherwise).
        overwrite: write dJ/dW over ``kernel_grad`` instead of adding (it holds stale values: a weight
            gradient is one large product per step, and writing it in place saves a temporary and a pass).
        grad_scale: S, when W is a function V(W') of the trained weights W' elementwise (DropConnect's masked
            or scaled kernels): dJ/dW' = S * (x^T dz) with S = dV/dW', an array or a scalar.

    Leading axes of x and dz beyond the last are treated as batch axes.

    Example:
        >>> import numpy as np
        >>> x, w, dz = np.array([[1.0, 2.0]]), np.array([[1.0], [3.0]]), np.array([[0.5]])
        >>> w_grad, b_grad = np.zeros((2, 1)), np.zeros(1)
        >>> dense_backward(dz, x, w, w_grad, b_grad)
        array([[0.5, 1.5]])
        >>> w_grad.ravel(), b_grad
        (array([0.5, 1. ]), array([0.5]))
    """
    x2 = x.reshape(-1, x.shape[-1])
    dz2 = dz.reshape(-1, dz.shape[-1])
    if grad_scale is None:
        add_product(kernel_grad, x2.T, dz2, overwrite=overwrite)
    elif overwrite:
        np.multiply(product(x2.T, dz2, out=kernel_grad), grad_scale, out=kernel_grad)
    else:
        kernel_grad += np.multiply(product(x2.T, dz2), grad_scale, dtype=kernel_grad.dtype)
    if bias_grad is not None:
        bias_grad += dz2.sum(axis=0)
    if not input_gradient:
        return None
    return product(dz2, kernel.T).reshape(dz.shape[:-1] + kernel.shape[:1])
