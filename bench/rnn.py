"""Benchmark: LSTM(128) over sequences of 50 steps, batch 64, forward + backward, layerwise vs PyTorch.

Run from the repository root (OpenBLAS picks its own kernel and cache sizes without the two variables):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /work/venv/bin/python bench/rnn.py

Both sides run float32 in the same process, interleaved A B A B; the script prints the median seconds
per forward + backward of each and their ratio (target: layerwise <= 2x PyTorch), with both libraries on
2 threads and again on 1 (the per-step GEMMs are small: on a busy machine two BLAS threads mostly wait).
"""

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _environment import report_environment
from layerwise.layers import LSTM  # noqa: E402

BATCH, STEPS, FEATURES, UNITS, REPEATS = 64, 50, 32, 128, 30


def main():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(BATCH, STEPS, FEATURES)).astype("float32")
    dy = rng.normal(size=(BATCH, STEPS, UNITS)).astype("float32")
    layer = LSTM(UNITS, return_sequences=True)
    module = torch.nn.LSTM(FEATURES, UNITS, batch_first=True)
    x_torch, dy_torch = torch.from_numpy(x).requires_grad_(), torch.from_numpy(dy)

    def run_layerwise():
        layer(x, training=True)
        layer.backward(dy)

    def run_torch():
        output, _ = module(x_torch)
        output.backward(dy_torch)

    report_environment()
    print(f"LSTM({UNITS}), {STEPS} steps, batch {BATCH}, {FEATURES} features, float32, forward + backward, "
          f"median of {REPEATS}")
    for threads in (2, 1):
        torch.set_num_threads(threads)
        with threadpool_limits(threads, user_api="blas"):
            for run in (run_layerwise, run_torch):
                run()
            times = {run_layerwise: [], run_torch: []}
            for _ in range(REPEATS):
                for run in times:
                    start = time.perf_counter()
                    run()
                    times[run].append(time.perf_counter() - start)
        ours, theirs = statistics.median(times[run_layerwise]), statistics.median(times[run_torch])
        print(f"{threads} thread(s): layerwise {ours * 1e3:7.2f} ms, pytorch {theirs * 1e3:7.2f} ms, "
              f"ratio layerwise / pytorch {ours / theirs:.2f}")

if __name__ == "__main__":
    main()
