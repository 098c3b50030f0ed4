"""The affine map z = x W + b and its backward pass, on the last axis of x."""

import math

import numpy as np

from layerwise.ops import _compiled
from layerwise.ops._lanes import in_lanes, sample_bytes
from layerwise.ops._settings import tune
from layerwise.ops.elementwise import squared_norm
from layerwise.ops.products import matmul

#: How many columns of a weight gradient x^T dJ/dz (`weight_gradient`) one call of BLAS writes: 0, all of them at
#: once (NumPy's matmul as it is), or blocks of this many. OpenBLAS first zeroes the part of the product each of its
#: threads writes and then adds the product into it; a weight gradient is large (4 MB for a 1024x1024 layer, in
#: float32) against a small inner dimension (the batch), so each thread's part leaves its core's L2 cache between
#: the two passes, unless the product is written in blocks (OpenBLAS's zeroing took 8% of the CPU samples of an
#: MLP's epoch, in a profile; on one thread the blocks made no difference). On the AMD Zen 4 machine (1 MB of L2 a
#: core, a shared host), while other work on the host held the memory back, the 1024x1024 weight gradient of a batch
#: of 128 took 2.4 ms in one call and 1.6-1.8 ms in blocks of 256 or 512 columns, and an MLP's training steps
#: (784-1024-1024-10) were 1-6% faster; in a quiet hour, 1.48 ms in one call and 1.48-1.52 ms in blocks, and 16 MB
#: products took 1.03-1.10 times as long in blocks (each call packs all of x again). Each machine times both in the
#: calibration, which sets this; the products agree to rounding (BLAS may sum a narrower product in another order).
DEFAULT_WEIGHT_GRADIENT_COLUMNS = 0
WEIGHT_GRADIENT_COLUMNS = DEFAULT_WEIGHT_GRADIENT_COLUMNS
#: Blocks are kept to weight gradients over at most this many rows of x (the batch): what they save, a pass of the
#: product through the caches, weighs less against the arithmetic as the batch grows (2 x batch flops per value of
#: the product), while the packing each extra call adds stays the same share; the calibration measures a batch of
#: 128, and its choice is applied up to twice that.
BLOCKED_BATCH_MAX = 256


def set_weight_gradient_columns(columns=None, calibrated=False):
    """Write weight gradients in blocks of ``columns`` columns per BLAS call (0: in one call; None:
    `DEFAULT_WEIGHT_GRADIENT_COLUMNS`), set by the user or by the calibration (``calibrated``), which leaves the
    user's setting alone."""
    if columns is not None and (isinstance(columns, bool) or not isinstance(columns, (int, np.integer))
                                or columns < 0):
        raise ValueError("set_weight_gradient_columns: columns must be an int >= 0 (0: one call) or None, received "
                         f"{columns!r}")
    tune(globals(), "WEIGHT_GRADIENT_COLUMNS", None if columns is None else int(columns),
         DEFAULT_WEIGHT_GRADIENT_COLUMNS, calibrated)


def _matmul(a, b, out, block_columns):
    """out = a @ b, in calls of at most ``block_columns`` columns each (0: one call; one call too where ``out``
    shares memory with a or b, which a block would overwrite before the next one reads it)."""
    columns = b.shape[1]
    blocks = block_columns and not (np.may_share_memory(out, a) or np.may_share_memory(out, b))
    width = block_columns if blocks else max(columns, 1)
    for start in range(0, columns, width):
        matmul(a, b[:, start:start + width], out=out[:, start:start + width])


def product(a, b, out=None, block_columns=0):
    """a @ b for matrices, written into ``out`` when given, split over the executor's lanes
    (`layerwise.ops._lanes`), each lane writing its own block of the product: the rows of a when a is the
    larger operand, else the columns of b. Each lane packs only its part of the larger operand (split by rows,
    both lanes packed all of an MLP's 3-4 MB weight matrices, and its epoch took 6.2 s instead of 5.5 s). Each
    lane's part is written in calls of at most ``block_columns`` columns each (0: one call)."""
    (rows, inner), columns = a.shape, b.shape[1]
    if out is None:
        out = np.empty((rows, columns), dtype=np.result_type(a, b))

    def by_rows(_, start, stop):
        _matmul(a[start:stop], b, out[start:stop], block_columns)

    def by_columns(_, start, stop):
        _matmul(a, b[:, start:stop], out[:, start:stop], block_columns)
    if rows >= columns:
        in_lanes(by_rows, rows, inner * a.itemsize)
    else:
        in_lanes(by_columns, columns, inner * b.itemsize)
    return out


def weight_gradient(xt, dz, out=None):
    """x^T dJ/dz for ``xt`` = x^T (n_in, batch) and dz (batch, n_out), written into ``out`` when given, as
    `product`: in blocks of `WEIGHT_GRADIENT_COLUMNS` columns for a batch of at most `BLOCKED_BATCH_MAX`."""
    blocks = WEIGHT_GRADIENT_COLUMNS if xt.shape[1] <= BLOCKED_BATCH_MAX else 0
    return product(xt, dz, out=out, block_columns=blocks)


def add_product(out, a, b, overwrite=False):
    """out += a @ b, or out = a @ b with ``overwrite`` (the product then written straight into ``out``: a
    weight gradient is one large product per step, and writing it in place saves a temporary and a pass); a
    `weight_gradient`, as this is how weight gradients x^T dJ/dz are added into their parameters."""
    if overwrite:
        weight_gradient(a, b, out=out)
    else:
        out += weight_gradient(a, b)
    return out


def product_norm_bound(a, b) -> float:
    """An upper bound on ||a @ b|| (the Frobenius norm, for a product of matrices or of their flattened leading axes,
    as a weight gradient x^T dJ/dz): 2 ||a|| ||b||. Each entry of a @ b is at most the product of a row's norm and a
    column's (Cauchy-Schwarz), so ||a @ b|| <= ||a|| ||b||; the factor 2 covers the rounding of the sums, the norms'
    and the product's. Infinite or NaN where a or b holds a non-finite entry or a norm overflows.

    Example:
        >>> import numpy as np
        >>> a, b = np.array([[3.0, 0.0]]), np.array([[4.0], [0.0]])
        >>> float(np.linalg.norm(a @ b)), product_norm_bound(a, b)
        (12.0, 24.0)
    """
    return 2.0 * math.sqrt(squared_norm(a)) * math.sqrt(squared_norm(b))


def _rows(array):
    """``array`` as a matrix of its last axis, the leading ones as rows (counted, as -1 cannot be inferred for a
    last axis of length 0)."""
    return array.reshape(math.prod(array.shape[:-1]), array.shape[-1])


def weight_gradient_factors(x, dz):
    """(x^T, dz) with the leading axes of x (..., n_in) and dz (..., n_out) as rows: dJ/dW = x^T dz is their product.

    Example:
        >>> import numpy as np
        >>> xt, dz = weight_gradient_factors(np.ones((2, 3, 4)), np.ones((2, 3, 5)))
        >>> xt.shape, dz.shape
        ((4, 6), (6, 5))
    """
    return _rows(x).T, _rows(dz)


def dense_forward(x, kernel, bias=None):
    """z = x W + b for x of shape (..., n_in), W (n_in, n_out), b (n_out,)."""
    z = product(_rows(x), kernel).reshape(x.shape[:-1] + kernel.shape[-1:])
    if bias is not None:
        z += bias
    return z


def rectified_dense_forward(x, kernel, bias):
    """y = max(x W + b, 0) (`dense_forward` and ReLU), the bias and the rectifier in one compiled pass over x W where
    the compiled kernels run (a NaN stays NaN, as NumPy's maximum keeps it), split over the lanes by rows.

    The MLP of bench/mlp_mnist.py spent 1.9% of its training steps in NumPy's broadcast add of the bias alone (in a
    profile, on the Intel Xeon VM).

    Example:
        >>> import numpy as np
        >>> rectified_dense_forward(np.array([[1.0, -2.0]]), np.eye(2), np.array([0.5, 0.5]))
        array([[1.5, 0. ]])
    """
    z = product(_rows(x), kernel)
    if _compiled.runs_on(z, bias) and bias.dtype == z.dtype and bias.flags.c_contiguous:
        in_lanes(lambda _, start, stop: _compiled.add_bias_relu(z[start:stop], bias), len(z), sample_bytes(z))
    else:
        z += bias
        np.maximum(z, 0, out=z)
    return z.reshape(x.shape[:-1] + kernel.shape[-1:])


def dense_backward(dz, x, kernel, kernel_grad, bias_grad=None, input_gradient=True, overwrite=False,
                   grad_scale=None):
    """Add dJ/dW = x^T dz into ``kernel_grad`` and dJ/db = sum dz into ``bias_grad``; return dJ/dx = dz W^T.

    Args:
        dz: dJ/dz, shape (..., n_out); x: the forward input (..., n_in); kernel: W (n_in, n_out).
        kernel_grad, bias_grad: the arrays the gradients are added into (either may be None: kernel_grad where the
            caller forms x^T dz itself, as `layerwise.layers.Parameter.accumulate_matmul` does).
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
    xt, dz2 = weight_gradient_factors(x, dz)
    if kernel_grad is not None:
        if grad_scale is None:
            add_product(kernel_grad, xt, dz2, overwrite=overwrite)
        elif overwrite:
            np.multiply(weight_gradient(xt, dz2, out=kernel_grad), grad_scale, out=kernel_grad)
        else:
            kernel_grad += np.multiply(weight_gradient(xt, dz2), grad_scale, dtype=kernel_grad.dtype)
    if bias_grad is not None:
        bias_grad += dz2.sum(axis=0)
    if not input_gradient:
        return None
    return product(dz2, kernel.T).reshape(dz.shape[:-1] + kernel.shape[:1])
