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
    if not input_gradient:
        return None
    return product(dz2, kernel.value.T).reshape(dz.shape[:-1] + kernel.value.shape[:1])
