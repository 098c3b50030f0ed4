"""MKL's sgemm against NumPy's matmul (OpenBLAS) on the matrix products layerwise runs, in the same run.

Should layerwise route its own matrix products through MKL's ``cblas_sgemm`` (the ``mkl`` wheel, on the arrays'
memory, no copies) where MKL is installed? This times both on the products of the benchmarks: the MLP's forward
and gradient products (bench/mlp_mnist.py), the CNN's second convolution (bench/cnn_mnist.py, im2col rows of a
lane's half batch) and ResNet-20's first stage (bench/resnet.py), with one and two threads. The libraries take
turns in blocks of ``--repeats`` calls, three blocks each, the first call of a block untimed. After a call each
library's threads spin, waiting for the next, on the cores the other library's call would need (MKL's OpenMP threads
for 200 ms, OpenBLAS's for about 2^28 cycles, 0.1 s at 2.7 GHz), so each block starts after a pause of ``--pause``
seconds in which the other's threads go to sleep: without it, MKL's two threads took 1.7-4 times NumPy's time, the
cost of sharing both cores with OpenBLAS's spinning threads. Median of each library's calls; a ratio below 1 means
MKL is faster. MKL is not a dependency of layerwise: install the wheel
(``pip install mkl``) to run this.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/mkl_gemm.py [--repeats 7] [--pause 0.5]
"""

import argparse
import ctypes
import glob
import os
import statistics
import sys
import time

import numpy as np
from threadpoolctl import threadpool_limits

from _environment import report_environment

# (name, m, k, n, a transposed): C (m, n) = A (m, k) B (k, n), as layerwise's kernels call them.
SHAPES = [
    ("MLP forward 128x784 @ 784x1024", 128, 784, 1024, False),
    ("MLP forward 128x1024 @ 1024x1024", 128, 1024, 1024, False),
    ("MLP weight gradient x^T dz, 1024x128 @ 128x1024", 1024, 128, 1024, True),
    ("CNN conv 32->64 14x14, 12544x289 @ 289x64", 12544, 289, 64, False),
    ("ResNet-20 stage 1, 65536x144 @ 144x16", 65536, 144, 16, False),
]
CBLAS_ROW_MAJOR, CBLAS_NO_TRANS, CBLAS_TRANS = 101, 111, 112


def load_mkl():
    candidates = sorted(glob.glob(os.path.join(sys.prefix, "lib", "libmkl_rt.so*")))
    if not candidates:
        sys.exit("MKL is not installed in this environment (pip install mkl)")
    mkl = ctypes.CDLL(candidates[-1])
    mkl.cblas_sgemm.restype = None
    mkl.cblas_sgemm.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                                ctypes.c_float, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                ctypes.c_float, ctypes.c_void_p, ctypes.c_int]
    mkl.MKL_Set_Num_Threads.argtypes = [ctypes.c_int]
    return mkl


def mkl_matmul(mkl, a, b, out, a_transposed):
    """out = a @ b by cblas_sgemm on the arrays' own memory; ``a`` is a transposed view when ``a_transposed``."""
    m, k = a.shape
    n = b.shape[1]
    base = a.T if a_transposed else a  # the C-contiguous array the view was taken of
    mkl.cblas_sgemm(CBLAS_ROW_MAJOR, CBLAS_TRANS if a_transposed else CBLAS_NO_TRANS, CBLAS_NO_TRANS, m, n, k,
                    1.0, base.ctypes.data, base.shape[1], b.ctypes.data, n, 0.0, out.ctypes.data, n)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--pause", type=float, default=0.5)
    args = parser.parse_args()
    report_environment()
    mkl = load_mkl()
    rng = np.random.default_rng(0)
    print(f"\nmedian of 3 blocks of {args.repeats} calls each; ratio = MKL / NumPy (OpenBLAS) time, "
          "below 1: MKL faster")
    print(f"{'product':52s} {'threads':>7s} {'NumPy ms':>9s} {'MKL ms':>8s} {'ratio':>6s}")
    for name, m, k, n, transposed in SHAPES:
        a = rng.standard_normal((k, m) if transposed else (m, k), dtype=np.float32)
        a = a.T if transposed else a
        b = rng.standard_normal((k, n), dtype=np.float32)
        expected, received = np.empty((m, n), np.float32), np.empty((m, n), np.float32)
        for threads in (1, 2):
            mkl.MKL_Set_Num_Threads(threads)
            with threadpool_limits(limits=threads, user_api="blas"):
                calls = {"numpy": lambda: np.matmul(a, b, out=expected),
                         "mkl": lambda: mkl_matmul(mkl, a, b, received, transposed)}
                times = {"numpy": [], "mkl": []}
                for _ in range(3):
                    for library, call in calls.items():
                        time.sleep(args.pause)
                        call()
                        for _ in range(args.repeats):
                            start = time.perf_counter()
                            call()
                            times[library].append(time.perf_counter() - start)
            np.testing.assert_allclose(received, expected, rtol=1e-3, atol=1e-2)
            numpy_ms, mkl_ms = (1e3 * statistics.median(times[key]) for key in ("numpy", "mkl"))
            print(f"{name:52s} {threads:7d} {numpy_ms:9.2f} {mkl_ms:8.2f} {mkl_ms / numpy_ms:6.2f}")


if __name__ == "__main__":
    main()
