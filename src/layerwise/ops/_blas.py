"""NumPy's own BLAS, called directly for what NumPy does not expose: y ← y + α x (axpy).

A plain gradient-descent step θ ← θ - α g is an axpy. NumPy runs element-wise work on one thread, while OpenBLAS
runs its axpy on its own threads: the ones that ran the step's matrix products a moment before and still spin on
the other cores waiting for the next (a second pool of threads would fight them for those cores, see
`layerwise.ops._lanes`). Whether that pays depends on the machine's memory, so the calibration decides
(`layerwise.ops.elementwise.STEP_KERNEL`); where MKL runs the products, its own axpy takes the step
(`layerwise.ops._mkl`).

The library is the one threadpoolctl finds NumPy using, and only OpenBLAS: its symbol names (a prefix and suffix
that wheels add) and its integer width (``openblas_get_config``) can be read from the library itself. The routines
work on the arrays' memory, without copies, and are checked against NumPy on a small case when first bound. Without
threadpoolctl, or with another BLAS, `axpy` does nothing and says so.
"""

import ctypes
import functools
from pathlib import Path

import numpy as np

_ROUTINES = {np.dtype(np.float32): (ctypes.c_float, "cblas_saxpy"), np.dtype(np.float64): (ctypes.c_double,
                                                                                           "cblas_daxpy")}


def numpy_blas_library():
    """threadpoolctl's record of the BLAS library NumPy's matrix products use, or None (no threadpoolctl, no BLAS
    found). Other BLAS libraries in the process (SciPy's, which scikit-learn loads) come and go with what a program
    imports: NumPy's is the one in a folder of NumPy's own (``numpy.libs`` in Linux wheels, ``numpy/.dylibs`` in
    macOS ones), else, as for a conda or system NumPy linked to a shared BLAS, the first one loaded."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    libraries = [library for library in threadpool_info() if library["user_api"] == "blas"]
    own = [library for library in libraries
           if any("numpy" in part for part in Path(library["filepath"]).parent.parts[-2:])]
    return (own or libraries or [None])[0]


def _symbol(library, name):
    """The function ``name`` of an OpenBLAS library under the prefix and suffix its build gave its symbols (the
    scipy-openblas wheels NumPy ships add "scipy_" and, for 64-bit integers, "64_"), or None."""
    for prefix in ("scipy_", ""):
        for suffix in ("64_", ""):
            function = getattr(library, f"{prefix}{name}{suffix}", None)
            if function is not None:
                return function
    return None


@functools.cache
def _routines():
    """{dtype: axpy function} of NumPy's OpenBLAS, each checked on a small case, or {} where it cannot be bound."""
    record = numpy_blas_library()
    if record is None or record.get("internal_api") != "openblas":
        return {}
    try:
        library = ctypes.CDLL(record["filepath"])
    except OSError:
        return {}
    get_config = _symbol(library, "openblas_get_config")
    if get_config is None:
        return {}
    get_config.restype = ctypes.c_char_p
    integer = ctypes.c_int64 if b"USE64BITINT" in (get_config() or b"") else ctypes.c_int32
    routines = {}
    for dtype, (scalar, name) in _ROUTINES.items():
        function = _symbol(library, name)
        if function is None:
            continue
        function.restype = None
        function.argtypes = [integer, scalar, ctypes.c_void_p, integer, ctypes.c_void_p, integer]
        x, y = np.arange(1, 6, dtype=dtype), np.full(5, 0.5, dtype=dtype)
        function(x.size, -2.0, x.ctypes.data, 1, y.ctypes.data, 1)
        if np.array_equal(y, 0.5 - 2.0 * np.arange(1, 6, dtype=dtype)):
            routines[dtype] = (function, np.iinfo(integer).max)
    return routines


def available() -> bool:
    """Whether `axpy` runs through NumPy's BLAS here (for float32 and float64)."""
    return len(_routines()) == len(_ROUTINES)


def squared_norm(x) -> float:
    """||x||^2 by NumPy's vdot (its BLAS's dot product), summed in the array's dtype.

    Example:
        >>> import numpy as np
        >>> squared_norm(np.array([3.0, 4.0]))
        25.0
    """
    return float(np.vdot(x, x))


def address(array) -> int:
    """The address of ``array``'s first element, for a C routine that reads its memory. Through ctypes's view of a
    C-contiguous writable array (or of its transpose) in 0.4-0.6 us, a third of NumPy's ``__array_interface__`` (1.4 us,
    which the others take): a dense model's training step passes about 60 addresses."""
    try:
        return ctypes.addressof(ctypes.c_char.from_buffer(array if array.flags.c_contiguous else array.T))
    except (TypeError, ValueError, BufferError):  # read-only, or neither it nor its transpose contiguous
        return array.__array_interface__["data"][0]


def takes_axpy(x, y, largest) -> bool:
    """Whether an axpy y <- y + alpha x can run on these arrays' memory: C-contiguous, of one dtype and size (at most
    ``largest``, the BLAS's integers), y writable and apart from x."""
    return (x.dtype == y.dtype and x.size == y.size and y.size <= largest and x.flags.c_contiguous
            and y.flags.c_contiguous and y.flags.writeable and not np.may_share_memory(x, y))


def axpy(alpha, x, y) -> bool:
    """y ← y + α x through NumPy's BLAS, for C-contiguous arrays of one floating dtype and size, y writable and
    apart from x; returns False, having done nothing, where it cannot (then the caller takes another way).

    Example:
        >>> import numpy as np
        >>> y = np.ones(3, dtype=np.float32)
        >>> done = axpy(-0.5, np.array([2.0, 4.0, 6.0], dtype=np.float32), y)
        >>> y if done else y - 0.5 * np.array([2.0, 4.0, 6.0], dtype=np.float32)
        array([ 0., -1., -2.], dtype=float32)
    """
    routine = _routines().get(y.dtype)
    if routine is None or not takes_axpy(x, y, routine[1]):
        return False
    routine[0](y.size, float(alpha), address(x), 1, address(y), 1)
    return True
