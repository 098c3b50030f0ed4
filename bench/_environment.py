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


def report_environment() -> None:
    """Print the CPU model, the BLAS libraries threadpoolctl finds (kernel, version, threads), NumPy's and
    torch's versions and threads, and the threads layerwise splits a convolutional network's batches over."""
    print(f"CPU: {cpu_model()} ({os.cpu_count()} cores)")
    for variable in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if variable in os.environ:
            print(f"warning: {variable}={os.environ[variable]} is set and may slow NumPy's BLAS")
    print("BLAS (threadpoolctl):", layerwise.config.info()["blas"])
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}; numpy {np.__version__}; layerwise "
          f"threads {layerwise.config.threads()} (BLAS held to one thread meanwhile)")
