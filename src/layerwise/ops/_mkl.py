"""MKL's matrix products, called on the arrays' memory, where the ``mkl`` wheel (or another MKL) is installed.

On Intel CPUs MKL's sgemm beats the OpenBLAS that NumPy ships (on the Intel Xeon VM, an Ice Lake: 0.72-0.94 times its
time on the MLP's products with two threads, 0.77-0.91 on the convolutions' with one, `bench/mkl_gemm.py`); on the
AMD Zen 4 machine it did not (0.86-1.29). Which library runs layerwise's products is the calibration's choice
(`layerwise.ops.products.LIBRARY`); this module only binds MKL.

The library is ``libmkl_rt`` of the installed ``mkl`` distribution, else the one the system's loader finds. Its CBLAS
interface is asked for 32-bit integers (LP64) before any other call, and the integer width it then reports is the
one used. `gemm` is checked against NumPy on a small case when first bound; threadpoolctl sees the library once it
is loaded, so the lanes hold MKL to one thread as they hold OpenBLAS (`layerwise.ops._lanes`).
"""

import ctypes
import ctypes.util
import functools
import importlib.metadata

import numpy as np

from layerwise.ops import _lanes

_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
_LP64, _ILP64 = 0, 1
_ROUTINES = {np.dtype(np.float32): (ctypes.c_float, "cblas_sgemm"),
             np.dtype(np.float64): (ctypes.c_double, "cblas_dgemm")}


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


def version():
    """MKL's version string (as MKL gives it), or None where MKL cannot be called."""
    if not available():
        return None
    text = ctypes.create_string_buffer(256)
    _library().MKL_Get_Version_String(text, len(text))
    return text.value.decode(errors="replace").strip()


@functools.cache
def _routines():
    """{dtype: (cblas gemm, cblas gemm_batch_strided, largest integer)} of MKL, each checked on small cases, or {} where
    MKL is not found."""
    library = _library()
    if library is None:
        return {}
    set_interface = library.MKL_Set_Interface_Layer
    set_interface.restype, set_interface.argtypes = ctypes.c_int, [ctypes.c_int]
    integer = ctypes.c_int64 if set_interface(_LP64) == _ILP64 else ctypes.c_int32
    routines = {}
    for dtype, (scalar, name) in _ROUTINES.items():
        single, batch = getattr(library, name, None), getattr(library, f"{name}_batch_strided", None)
        if single is None or batch is None:
            continue
        single.restype = batch.restype = None
        single.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, integer, integer, integer, scalar, ctypes.c_void_p,
                           integer, ctypes.c_void_p, integer, scalar, ctypes.c_void_p, integer]
        batch.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, integer, integer, integer, scalar, ctypes.c_void_p,
                          integer, integer, ctypes.c_void_p, integer, integer, scalar, ctypes.c_void_p, integer,
                          integer, integer]
        routines[dtype] = (single, batch, np.iinfo(integer).max)
        # Rows in place, columns of row-strided views (transposed, leading dimensions 4 and 3), and a stack of both.
        a, b = np.arange(6, dtype=dtype).reshape(2, 3), np.arange(12, dtype=dtype).reshape(3, 4)
        out, transposed = np.empty((2, 4), dtype=dtype), np.empty((2, 2), dtype=dtype)
        stack_a, stack_b = np.stack([a, b[:, :2].T]), np.stack([b[:, :2], a.T])
        stacked = np.empty((2, 2, 2), dtype=dtype)
        if not (_call(routines[dtype], a, b, out) and np.array_equal(out, a @ b)
                and _call(routines[dtype], b[:, :2].T, a.T, transposed)
                and np.array_equal(transposed, b[:, :2].T @ a.T)
                and _call(routines[dtype], stack_a, stack_b, stacked)
                and np.array_equal(stacked, stack_a @ stack_b)):
            del routines[dtype]
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


def _address(array):
    return array.__array_interface__["data"][0]


def _call(routine, a, b, out):
    """out = a @ b by CBLAS for matrices, or stacks of as many, of one dtype, laid out as `_layout` reads them (a
    stack's matrices ``out``'s apart); False where they are not."""
    single, batch, largest = routine
    m, k, n = a.shape[-2], a.shape[-1], b.shape[-1]
    itemsize = out.itemsize
    a_layout, b_layout = _layout(a.strides[-2:], itemsize, m, k), _layout(b.strides[-2:], itemsize, k, n)
    out_layout = _layout(out.strides[-2:], itemsize, m, n)
    if (a_layout is None or b_layout is None or out_layout is None or out_layout[0] != _NO_TRANS
            or max(m, n, k, a_layout[1], b_layout[1], out_layout[1], len(out)) > largest):
        return False
    if out.ndim == 2:
        single(_ROW_MAJOR, a_layout[0], b_layout[0], m, n, k, 1.0, _address(a), a_layout[1], _address(b),
               b_layout[1], 0.0, _address(out), out_layout[1])
        return True
    strides = [array.strides[0] // itemsize for array in (a, b, out)]
    if any(stride < 0 or stride * itemsize != array.strides[0] for stride, array in zip(strides, (a, b, out))) or (
            len(out) > 1 and strides[2] < m * out_layout[1]):
        return False
    batch(_ROW_MAJOR, a_layout[0], b_layout[0], m, n, k, 1.0, _address(a), a_layout[1], strides[0], _address(b),
          b_layout[1], strides[1], 0.0, _address(out), out_layout[1], strides[2], len(out))
    return True


def gemm(a, b, out) -> bool:
    """out = a @ b by MKL for matrices a (m, k), b (k, n) and ``out`` (m, n), or stacks of as many (s, m, k) and so on,
    of one floating dtype, each matrix with rows or columns of unit stride, ``out``'s with rows of unit stride, its
    matrices apart, writable and apart from a and b, nothing empty; returns False, having done nothing, where it
    cannot (then the caller takes NumPy's matmul).

    Example:
        >>> import numpy as np
        >>> a, b = np.ones((2, 3), dtype=np.float32), np.ones((3, 2), dtype=np.float32)
        >>> out = np.empty((2, 2), dtype=np.float32)
        >>> done = gemm(a, b.T.copy().T, out)  # b read by columns, in place
        >>> out if done else a @ b
        array([[3., 3.],
               [3., 3.]], dtype=float32)
    """
    routine = _routines().get(out.dtype)
    if (routine is None or not a.ndim == b.ndim == out.ndim or a.ndim not in (2, 3) or a.dtype != out.dtype
            or b.dtype != out.dtype or a.shape[:-2] != b.shape[:-2] or a.shape[-1] != b.shape[-2]
            or out.shape != (*a.shape[:-1], b.shape[-1]) or out.size == 0 or a.shape[-1] == 0
            or not out.flags.writeable or np.may_share_memory(out, a) or np.may_share_memory(out, b)):
        return False
    return _call(routine, a, b, out)
