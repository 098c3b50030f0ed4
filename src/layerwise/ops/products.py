"""Matrix products by the library this machine runs them fastest with: NumPy's matmul (its BLAS), or MKL.

NumPy's matmul is the default and the reference. Where MKL can be called (`layerwise.ops._mkl`: the ``mkl`` wheel,
``pip install layerwise[mkl]``), the calibration times the products of a dense and a convolutional model by both
and keeps MKL where it is faster (`layerwise.config.calibrate`); the two agree to rounding. Products MKL cannot take
in place (mixed dtypes, strides without a unit one, broadcast stacks) fall back to NumPy's matmul.
"""

import numpy as np

from layerwise.ops import _mkl
from layerwise.ops._lanes import holds_blas
from layerwise.ops._settings import tune

#: "numpy" or "mkl": which library `matmul` calls.
DEFAULT_LIBRARY = "numpy"
LIBRARY = DEFAULT_LIBRARY


def set_library(name=None, calibrated=False):
    """Run matrix products by "numpy" or "mkl" (refused where MKL cannot be called; None: `DEFAULT_LIBRARY`), set by
    the user or by the calibration (``calibrated``), which leaves the user's setting alone."""
    if name not in (None, "numpy", "mkl"):
        raise ValueError(f"set_library: name must be 'numpy', 'mkl' or None, received {name!r}")
    if name == "mkl" and not _mkl.available():
        raise ValueError("set_library: MKL cannot be called here; install it with pip install layerwise[mkl]")
    tune(globals(), "LIBRARY", name, DEFAULT_LIBRARY, calibrated)


def matmul(a, b, out=None):
    """a @ b for matrices, or stacks of as many matrices, written into ``out`` when given (as ``np.matmul``).

    Example:
        >>> import numpy as np
        >>> matmul(np.ones((2, 3)), np.ones((3, 2)))
        array([[3., 3.],
               [3., 3.]])
    """
    product = _mkl.gemm(a, b, out) if LIBRARY == "mkl" else None
    return np.matmul(a, b, out=out) if product is None else product


def add_scaled_matmul(out, a, b, alpha) -> bool:
    """out += alpha a @ b for matrices, in one GEMM that reads and writes ``out`` once (C <- alpha A B + C) instead of
    writing a @ b and reading it back; returns whether it did (False: nothing written, and the caller forms a @ b).
    Only where MKL runs the products on its own threads: NumPy's matmul has no such form, and while a pass holds BLAS
    to one thread (`layerwise.ops._lanes.all_cores`) one call would leave the other lanes' cores idle.

    Example:
        >>> import numpy as np
        >>> out, a, b = np.ones((2, 2)), np.eye(2), np.array([[2.0, 0.0], [0.0, 4.0]])
        >>> out if add_scaled_matmul(out, a, b, -0.5) else out - 0.5 * (a @ b)
        array([[ 0.,  1.],
               [ 1., -1.]])
    """
    return LIBRARY == "mkl" and not holds_blas() and _mkl.gemm(a, b, out, alpha, accumulate=True) is not None
