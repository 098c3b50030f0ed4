"""3x3 'same' convolutions by im2col and by Winograd's F(2x2, 3x3), against PyTorch, in one run.
Run it with OpenBLAS left to pick its own kernel (this machine may set variables that slow NumPy):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/conv_algorithms.py
Each row is one convolution's three passes of a training step (forward, weight gradient, input gradient; no input
gradient for one channel, a first layer's case) on a float32 batch of 128, as a model runs them (in lanes when
the calibration chose lanes, with a workspace). Winograd is timed on every shape, also below its channel
threshold (`layerwise.ops.winograd.MIN_CHANNEL_RATIO`), to show where that threshold comes from. The three are
interleaved over ``--rounds`` and the medians reported.
"""

import argparse
import contextlib
import statistics
import time

import numpy as np
import torch

from _environment import report_environment
import layerwise
from layerwise.ops import _lanes, conv, winograd
from layerwise.ops._workspace import Workspace

BATCH = 128
#: (size, channels, filters): the lectures' CNN's two convolutions, ResNet-20's three stages, and a few between.
SHAPES = [(28, 1, 32), (32, 3, 16), (28, 8, 16), (32, 16, 16), (32, 16, 32), (16, 32, 32), (14, 32, 64), (8, 64, 64)]


def layerwise_passes(x, kernel, dy, algorithm, lanes):
    geometry = conv.ConvGeometry.create(x.shape[1:3], (3, 3), (1, 1), (1, 1), "same")
    kernel_grad, workspace = np.zeros_like(kernel), Workspace()

    def passes():
        conv.ALGORITHM = algorithm
        with _lanes.all_cores() if lanes else contextlib.nullcontext():
            conv.conv2d_forward(x, kernel, None, geometry, workspace=workspace)
            conv.conv2d_backward_kernel(dy, x, None, geometry, kernel_grad, workspace=workspace)
            if x.shape[-1] > 1:
                conv.conv2d_backward_input(dy, kernel, geometry, workspace=workspace)
    return passes


def torch_passes(x, kernel, dy):
    xt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
    kt = torch.from_numpy(np.ascontiguousarray(kernel.transpose(3, 2, 0, 1)))
    dyt = torch.from_numpy(np.ascontiguousarray(dy.transpose(0, 3, 1, 2)))
    xt.requires_grad_(x.shape[-1] > 1)
    kt.requires_grad_(True)

    def passes():
        xt.grad = kt.grad = None
        torch.nn.functional.conv2d(xt, kt, padding=1).backward(dyt)
    return passes


def median_ms(passes, rounds):
    """{name: median milliseconds} of the ``passes`` ({name: callable}), interleaved, each after an untimed call."""
    times = {name: [] for name in passes}
    for _ in range(rounds):
        for name, run in passes.items():
            run()
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: 1e3 * statistics.median(values) for name, values in times.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=11)
    args = parser.parse_args()
    report_environment()
    lanes = bool(layerwise.config.calibration()["memory_bound"])
    calibrated = conv.ALGORITHM
    threshold, winograd.MIN_CHANNEL_RATIO = winograd.MIN_CHANNEL_RATIO, 0
    rng = np.random.default_rng(0)
    print(f"\n3x3 'same' convolutions, batch {BATCH}, float32, forward + weight gradient + input gradient, "
          f"{'in lanes' if lanes else 'in the calling thread'}; medians of {args.rounds} interleaved rounds "
          f"(this machine's calibration: {calibrated}; Winograd is used where it chose it and C F / (C + F) >= "
          f"{threshold})")
    print(f"{'shape':>22} {'C F/(C+F)':>10} {'im2col ms':>10} {'Winograd ms':>12} {'PyTorch ms':>11} "
          f"{'im2col/Winograd':>16} {'layerwise / PyTorch':>20}")
    try:
        for size, channels, filters in SHAPES:
            x = rng.standard_normal((BATCH, size, size, channels), dtype=np.float32)
            kernel = rng.standard_normal((3, 3, channels, filters), dtype=np.float32)
            dy = rng.standard_normal((BATCH, size, size, filters), dtype=np.float32)
            ms = median_ms({"im2col": layerwise_passes(x, kernel, dy, "im2col", lanes),
                            "winograd": layerwise_passes(x, kernel, dy, "winograd", lanes),
                            "torch": torch_passes(x, kernel, dy)}, args.rounds)
            ratio = channels * filters / (channels + filters)
            chosen = ms["winograd"] if calibrated == "winograd" and ratio >= threshold else ms["im2col"]
            print(f"{f'{size}x{size}, {channels} -> {filters}':>22} {ratio:>10.1f} {ms['im2col']:>10.1f} "
                  f"{ms['winograd']:>12.1f} {ms['torch']:>11.1f} {ms['im2col'] / ms['winograd']:>16.2f} "
                  f"{chosen / ms['torch']:>20.2f}")
    finally:
        winograd.MIN_CHANNEL_RATIO, conv.ALGORITHM = threshold, calibrated


if __name__ == "__main__":
    main()
