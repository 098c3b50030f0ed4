"""Element-wise kernels that write into the buffer they are given, split over the executor's lanes."""

import numpy as np

from layerwise.ops import _blas, _compiled, _mkl, products
from layerwise.ops._lanes import elementwise_in_lanes, holds_blas
from layerwise.ops._settings import tune

#: How `add_scaled_norm` takes a step: "compiled", one pass on the calling thread that also sums the squares of the
#: result (`layerwise.ops._compiled`; NumPy's two passes without Numba), or "blas", the axpy and then the dot product of
#: the library that runs the matrix products (MKL's, `layerwise.ops._mkl`, or NumPy's BLAS where it can be called,
#: `layerwise.ops._blas`), on that library's own threads, which the products left awake; `squared_norm`, which the
#: divergence checks take, follows the same choice. Only outside lanes: while a pass holds BLAS to one thread, or
#: where the trainer runs the update in lanes (`Trainer._checked_update`), the step is the compiled one. The step is a
#: pass over memory: on the AMD Zen 4 machine, the step of an MLP's two large weight matrices (784x1024 and 1024x1024,
#: float32) right after their matrix products took 1.30 ms compiled and 1.16 ms by OpenBLAS in an hour when the host's
#: other work held the memory back, 0.56-0.67 and 0.54-0.68 ms in a quieter one; on the Intel Xeon VM, 1.17 ms compiled
#: and 0.70 ms by MKL (0.53 ms without the norm). Each machine times both in the calibration, which sets `STEP_KERNEL`;
#: the default is the one that runs everywhere. BLAS's axpy fuses the multiply and the add, so its results may differ
#: from the compiled pass's (NumPy's) in the last bit; with alpha 0 it returns without reading x, so a zero step stays
#: the compiled pass (a NaN in x still makes the result NaN).
DEFAULT_STEP_KERNEL = "compiled"
STEP_KERNEL = DEFAULT_STEP_KERNEL


def set_step_kernel(name=None, calibrated=False):
    """Take `add_scaled_norm`'s steps by "compiled" or "blas" (None: `DEFAULT_STEP_KERNEL`), set by the user or by
    the calibration (``calibrated``), which leaves the user's setting alone."""
    if name not in (None, "compiled", "blas"):
        raise ValueError(f"set_step_kernel: name must be 'compiled', 'blas' or None, received {name!r}")
    tune(globals(), "STEP_KERNEL", name, DEFAULT_STEP_KERNEL, calibrated)


def _sum(out, first, second, *rest):
    np.add(first, second, out=out)
    for x in rest:
        out += x


def sum_into(out, arrays):
    """out = x_1 + ... + x_k for k >= 2 arrays of ``out``'s shape (broadcast ones too); returns ``out``.

    Example:
        >>> import numpy as np
        >>> sum_into(np.empty(2), [np.ones(2), np.full(2, 2.0), np.ones(2)])
        array([4., 4.])
    """
    return elementwise_in_lanes(_sum, out, *arrays)


def _blas_threads():
    """The module of the library whose threads take the step's passes (`layerwise.ops._mkl` or `layerwise.ops._blas`),
    or None: where `STEP_KERNEL` is "blas" and no pass holds BLAS to one thread (`layerwise.ops._lanes.all_cores`)."""
    if STEP_KERNEL != "blas" or holds_blas():
        return None
    return _mkl if products.LIBRARY == "mkl" else _blas


def squared_norm(x) -> float:
    """||x||^2, summed in x's dtype: by the dot product of the library that takes BLAS's steps, on its threads
    (`_blas_threads`), else by NumPy's vdot; read in place where x or its transpose is contiguous (a weight
    gradient's factor x^T), as both copy any other array first.

    Example:
        >>> import numpy as np
        >>> squared_norm(np.array([3.0, 4.0]))
        25.0
    """
    if x.flags.f_contiguous and not x.flags.c_contiguous:
        x = x.T
    library = _blas_threads()
    return float(np.vdot(x, x)) if library is None else library.squared_norm(x)


def add_scaled_norm(out, x, alpha, scratch=None):
    """out += alpha * x for arrays of one shape, and the squared norm of the result: by BLAS's axpy and dot product
    where `STEP_KERNEL` is "blas" outside lanes and the library takes the arrays (`_blas_threads`), else in one
    compiled pass when the compiled kernels run and both are contiguous (`layerwise.ops._compiled`), else through
    ``scratch`` (or a temporary) and then None, as a norm would take another pass; alpha in ``out``'s dtype. The
    norm is summed in ``out``'s dtype and in any order: it tells whether the result is finite and not too large to
    square.

    Example:
        >>> import numpy as np
        >>> out = np.ones(2)
        >>> norm = add_scaled_norm(out, np.array([2.0, 4.0]), -0.5)
        >>> out, norm in (None, 1.0)  # 1.0 where the norm came with the step
        (array([ 0., -1.]), True)
    """
    alpha = out.dtype.type(alpha)
    library = _blas_threads()
    if library is not None and alpha != 0 and out.shape == x.shape and library.axpy(alpha, x, out):
        return library.squared_norm(out)
    if _compiled.runs_on(out, x) and out.flags.c_contiguous and x.flags.c_contiguous and out.shape == x.shape:
        return float(_compiled.add_scaled_flat(out.reshape(-1), x.reshape(-1), alpha))
    out += np.multiply(x, alpha, out=scratch)
    return None
