"""The environment line every benchmark prints first: which BLAS kernel runs, and with how many threads.

On this machine OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE may be set and slow NumPy's BLAS; benchmarks are
run with both unset (``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/<name>.py``), and a
warning is printed when they are not, so a slow figure is never quoted without its cause.
"""

import os

import numpy as np
import torch

import layerwise
from layerwise.config import cpu_model
from layerwise.ops import _mkl


#: The instruction-set extensions that decide which kernels BLAS and NumPy run.
_ISA = ("avx2", "fma", "avx512f", "avx512_bf16", "avx512_vnni", "amx_tile")


def isa_extensions() -> str:
    """The extensions of `_ISA` that /proc/cpuinfo lists for this CPU."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = next(line.split(":", 1)[1].split() for line in cpuinfo if line.startswith("flags"))
    except (OSError, StopIteration):
        return "unknown"
    return " ".join(flag for flag in _ISA if flag in flags) or "none of " + " ".join(_ISA)


def _columns(count):
    return f"in blocks of {count} columns" if count else "in one call"


def report_environment() -> None:
    """Print the CPU model and ISA extensions, the BLAS libraries threadpoolctl finds (kernel, version, threads),
    NumPy's and torch's versions and threads, the lanes layerwise splits a batch into, and its calibration: how
    this machine runs model passes best (measured once, then read from the cache)."""
    print(f"CPU: {cpu_model()} ({os.cpu_count()} cores; {isa_extensions()})")
    for variable in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if variable in os.environ:
            print(f"warning: {variable}={os.environ[variable]} is set and may slow NumPy's BLAS")
    print("BLAS (threadpoolctl):", layerwise.config.info()["blas"])
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; numpy {np.__version__}; layerwise "
          f"lanes {layerwise.config.threads()} (BLAS held to one thread in them)")
    calibration = layerwise.config.calibrate()
    print(f"layerwise calibration ({calibration['source']}): lanes for memory-bound models "
          f"{calibration['memory_bound']}, for dense models {calibration['dense']}; matrix products by "
          f"{calibration['matrix_products']} (MKL here: {_mkl.version() or 'none'}); im2col chunks of "
          f"{calibration['conv_chunk_bytes'] / 2**20:g} MB; stride-1 input gradients "
          f"{calibration['conv_input_gradient']}; 3x3 stride-1 convolutions by {calibration['conv_algorithm']} "
          f"(Winograd's chunks of {calibration['winograd_chunk_bytes'] / 2**20:g} MB, from C F / (C + F) >= "
          f"{calibration['winograd_min_channel_ratio']:g}); plain SGD's step by "
          f"{calibration['step_kernel']}; weight gradients {_columns(calibration['weight_gradient_columns'])}; "
          f"timings {calibration.get('timings', 'n/a')}")
    print(f"layerwise kernels: {layerwise.config.kernels()} (max pooling, batch normalization, ReLU and its "
          "gradient, SGD's step, Winograd's transforms; NumPy's elsewhere)")
