"""MKL's matrix products, called on the arrays' memory, where the ``mkl`` wheel (or another MKL) is installed.

On Intel CPUs MKL's sgemm beats the OpenBLAS that NumPy ships (on the Intel Xeon VM, an Ice Lake: 0.68-0.94 times its
time on the benchmarks' products with two threads, 0.72-1.28 with one, `bench/mkl_gemm.py`); on the AMD Zen 4 machine
it did not (0.86-1.29). Which library runs layerwise's products is the calibration's choice
(`layerwise.ops.products.LIBRARY`); this module only binds MKL: its products (`gemm`, one call for a stack), and the
axpy and dot product of plain SGD's step on MKL's threads (`layerwise.ops.elementwise.STEP_KERNEL`).

The library is ``libmkl_rt`` of the installed ``mkl`` distribution, else the one the system's loader finds. Its CBLAS
interface is asked for 32-bit integers (LP64) before any other call, and the integer width it then reports is the
one used. The routines are checked against NumPy on small cases when first bound; threadpoolctl sees the library
once it is loaded, so the lanes hold MKL to one thread as they hold OpenBLAS (`layerwise.ops._lanes`).
"""

import ctypes
import ctypes.util
import functools
import importlib.metadata
from dataclasses import dataclass

import numpy as np

from layerwise.ops import _lanes
from layerwise.ops._blas import address, takes_axpy

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_LP64, _ILP64 = 0, 1
_ROUTINES = {np.dtype(np.float32): (ctypes.c_float, "s"), np.dtype(np.float64): (ctypes.c_double, "d")}


def _library_paths():
    """``libmkl_rt`` of the ``mkl`` distribution (the wheel puts it in the environment's lib folder), then the
    loader's."""
    try:
        files = importlib.metadata.files("mkl") or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    paths = sorted(str(file.locate()) for file in files if file.name.startswith("libmkl_rt.so"))
    found = ctypes.util.find_library("mkl_rt")
    return paths + ([found] if found else [])


@functools.cache
def _library():
    """MKL's runtime library, loaded, or None."""
    for path in _library_paths():
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        if hasattr(library, "MKL_Set_Interface_Layer") and hasattr(library, "MKL_Get_Version_String"):
            return library
    return None


@functools.cache
def installed():
    """The MKL installed, named without loading it (loading and checking MKL takes about half a second): the ``mkl``
    distribution and its version, else the library the system's loader finds, or None.

    Example:
        >>> installed() is None or "mkl" in installed()
        True
    """
    try:
        return f"mkl {importlib.metadata.version('mkl')}"
    except importlib.metadata.PackageNotFoundError:
        return ctypes.util.find_library("mkl_rt")


def version():
    """MKL's version string (as MKL gives it), or None where MKL cannot be called."""
    if not available():
        return None
    text = ctypes.create_string_buffer(256)
    _library().MKL_Get_Version_String(text, len(text))
    return text.value.decode(errors="replace").strip()


@dataclass(frozen=True)
class _Routines:
    """MKL's CBLAS routines for one dtype, and the largest integer they take."""

    gemm: object
    gemm_batch: object
    axpy: object
    dot: object
    largest: int


def _bind(library, scalar, prefix, integer):
    """The `_Routines` of one dtype's CBLAS ``prefix`` ("s" or "d"), their argument types set, or None."""
    functions = [getattr(library, f"cblas_{prefix}{name}", None) for name in ("gemm", "gemm_batch_strided", "axpy",
                                                                               "dot")]
    if None in functions:
        return None
    gemm, batch, axpy, dot = functions
    gemm.restype = batch.restype = axpy.restype = None
    dot.restype = scalar
    gemm.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, integer, integer, integer, scalar, ctypes.c_void_p,
                     integer, ctypes.c_void_p, integer, scalar, ctypes.c_void_p, integer]
    batch.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, integer, integer, integer, scalar, ctypes.c_void_p,
                      integer, integer, ctypes.c_void_p, integer, integer, scalar, ctypes.c_void_p, integer, integer,
                      integer]
    axpy.argtypes = [integer, scalar, ctypes.c_void_p, integer, ctypes.c_void_p, integer]
    dot.argtypes = [integer, ctypes.c_void_p, integer, ctypes.c_void_p, integer]
    return _Routines(gemm, batch, axpy, dot, np.iinfo(integer).max)


def _works(routines, dtype):
    """Whether ``routines`` give NumPy's results on small cases: products of rows in place, of columns of row-strided
    views (transposed, leading dimensions 4 and 3) and of a stack of both; a step and a squared norm."""
    a, b = np.arange(6, dtype=dtype).reshape(2, 3), np.arange(12, dtype=dtype).reshape(3, 4)
    out, transposed = np.empty((2, 4), dtype=dtype), np.empty((2, 2), dtype=dtype)
    stack_a, stack_b = np.stack([a, b[:, :2].T]), np.stack([b[:, :2], a.T])
    stacked = np.empty((2, 2, 2), dtype=dtype)
    y = np.full(6, 0.5, dtype=dtype)
    routines.axpy(6, -2.0, a.ctypes.data, 1, y.ctypes.data, 1)
    return (_call(routines, a, b, out) and np.array_equal(out, a @ b)
            and _call(routines, b[:, :2].T, a.T, transposed) and np.array_equal(transposed, b[:, :2].T @ a.T)
            and _call(routines, stack_a, stack_b, stacked) and np.array_equal(stacked, stack_a @ stack_b)
            and np.array_equal(y, 0.5 - 2.0 * a.ravel()) and routines.dot(6, y.ctypes.data, 1, y.ctypes.data, 1)
            == np.vdot(y, y))


@functools.cache
def _routines():
    """{dtype: `_Routines`} of MKL, each checked on small cases (`_works`), or {} where MKL is not found."""
    library = _library()
    if library is None:
        return {}
    set_interface = library.MKL_Set_Interface_Layer
    set_interface.restype, set_interface.argtypes = ctypes.c_int, [ctypes.c_int]
    integer = ctypes.c_int64 if set_interface(_LP64) == _ILP64 else ctypes.c_int32
    routines = {dtype: _bind(library, scalar, prefix, integer) for dtype, (scalar, prefix) in _ROUTINES.items()}
    routines = {dtype: bound for dtype, bound in routines.items() if bound is not None and _works(bound, dtype)}
    # threadpoolctl lists the libraries loaded when its controller is made: the lanes make theirs again.
    _lanes.forget_blas_controller()
    return routines


def available() -> bool:
    """Whether MKL's products can run here (float32 and float64)."""
    return len(_routines()) == len(_ROUTINES)


def _layout(strides, itemsize, rows, columns):
    """(transpose flag, leading dimension) under which CBLAS reads a matrix of ``strides`` (rows x columns) in place,
    or None: rows laid out one after another (NoTrans) or columns (Trans), each with unit stride inside."""
    row_stride, column_stride = strides
    if row_stride % itemsize or column_stride % itemsize:
        return None
    row_stride, column_stride = row_stride // itemsize, column_stride // itemsize
    if (column_stride == 1 or columns == 1) and (rows == 1 or row_stride >= columns):
        return _NO_TRANS, max(row_stride if rows > 1 else columns, columns, 1)
    if (row_stride == 1 or rows == 1) and (columns == 1 or column_stride >= rows):
        return _TRANS, max(column_stride if columns > 1 else rows, rows, 1)
    return None


def _call(routines, a, b, out, alpha=1.0, beta=0.0):
    """out = alpha a @ b + beta out by CBLAS for matrices, or stacks of as many, of one dtype, laid out as `_layout`
    reads them (a stack's matrices ``out``'s apart); False where they are not."""
    largest = routines.largest
    m, k, n = a.shape[-2], a.shape[-1], b.shape[-1]
    itemsize = out.itemsize
    a_layout, b_layout = _layout(a.strides[-2:], itemsize, m, k), _layout(b.strides[-2:], itemsize, k, n)
    out_layout = _layout(out.strides[-2:], itemsize, m, n)
    if (a_layout is None or b_layout is None or out_layout is None or out_layout[0] != _NO_TRANS
            or max(m, n, k, a_layout[1], b_layout[1], out_layout[1], len(out)) > largest):
        return False
    if out.ndim == 2:
        routines.gemm(_ROW_MAJOR, a_layout[0], b_layout[0], m, n, k, alpha, address(a), a_layout[1], address(b),
                      b_layout[1], beta, address(out), out_layout[1])
        return True
    strides = [array.strides[0] // itemsize for array in (a, b, out)]
    if any(stride < 0 or stride * itemsize != array.strides[0] for stride, array in zip(strides, (a, b, out))) or (
            len(out) > 1 and strides[2] < m * out_layout[1]):
        return False
    routines.gemm_batch(_ROW_MAJOR, a_layout[0], b_layout[0], m, n, k, alpha, address(a), a_layout[1], strides[0],
                        address(b), b_layout[1], strides[1], beta, address(out), out_layout[1], strides[2], len(out))
    return True


def gemm(a, b, out=None, alpha=1.0, accumulate=False):
    """a @ b by MKL for matrices a (m, k), b (k, n), or stacks of as many (s, m, k) and so on, of one floating dtype,
    each matrix with rows or columns of unit stride, nothing empty; written into ``out`` (m, n), rows of unit stride,
    its matrices apart, writable and apart from a and b, or into a new array. Returns the product, or None, having
    written nothing, where it cannot (then the caller takes NumPy's matmul). ``alpha`` scales the product;
    ``accumulate`` adds it into ``out`` (C <- alpha A B + C, in one pass over C), which must then be given.

    Example:
        >>> import numpy as np
        >>> a, b = np.ones((2, 3), dtype=np.float32), np.ones((3, 2), dtype=np.float32)
        >>> product = gemm(a, b.T.copy().T)  # b read by columns, in place
        >>> a @ b if product is None else product
        array([[3., 3.],
               [3., 3.]], dtype=float32)
    """
    routines = _routines().get(a.dtype)
    if (routines is None or a.ndim != b.ndim or a.ndim not in (2, 3) or b.dtype != a.dtype
            or a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2] or 0 in a.shape or 0 in b.shape):
        return None
    shape = (*a.shape[:-1], b.shape[-1])
    if out is None:
        if accumulate:
            return None
        out = np.empty(shape, dtype=a.dtype)
    elif (out.shape != shape or out.dtype != a.dtype or not out.flags.writeable or np.may_share_memory(out, a)
          or np.may_share_memory(out, b)):
        return None
    return out if _call(routines, a, b, out, float(alpha), 1.0 if accumulate else 0.0) else None


def axpy(alpha, x, y) -> bool:
    """y <- y + alpha x by MKL, on MKL's threads, for C-contiguous arrays of one floating dtype and size, y writable
    and apart from x (`layerwise.ops._blas.takes_axpy`); returns False, having done nothing, where it cannot.

    Example:
        >>> import numpy as np
        >>> y = np.zeros(2)
        >>> done = axpy(2.0, np.array([1.0, 3.0]), y)
        >>> y if done else 2.0 * np.array([1.0, 3.0])
        array([2., 6.])
    """
    routines = _routines().get(y.dtype)
    if routines is None or not takes_axpy(x, y, routines.largest):
        return False
    routines.axpy(y.size, float(alpha), address(x), 1, address(y), 1)
    return True


def squared_norm(x) -> float:
    """||x||^2 of a C-contiguous float32 or float64 array by MKL's dot product, on MKL's threads, summed in the array's
    dtype (NumPy's vdot where MKL cannot take it).

    Example:
        >>> import numpy as np
        >>> squared_norm(np.array([3.0, 4.0]))
        25.0
    """
    routines = _routines().get(x.dtype)
    if routines is None or not x.flags.c_contiguous or x.size > routines.largest:
        return float(np.vdot(x, x))
    start = address(x)
    return float(routines.dot(x.size, start, 1, start, 1))
