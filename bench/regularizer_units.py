"""DropConnect, Maxout and StochasticPooling2D (forward + backward, training mode) vs the same math in PyTorch.

Run it with OpenBLAS left to pick its own kernel (this machine may set variables that slow NumPy):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/regularizer_units.py

Float32, batch 128. PyTorch has none of the three layers, so its side is the composition of torch ops that
computes the same function (masked `linear`; reshape + max; the same cumulative-sum sampling over
2x2 windows), differentiated by autograd. Each pair is interleaved over ``--repeats`` rounds and the
medians and their ratio are printed.
"""

import argparse
import statistics
import time

import numpy as np
import torch

from _environment import report_environment
from layerwise.layers import DropConnect, Maxout, StochasticPooling2D

BATCH = 128


def layerwise_step(layer, x):
    def step():
        y = layer(x, training=True)
        layer.backward(np.ones_like(y))
    return step


def torch_drop_connect(x, n_out, keep=0.5):
    x = torch.from_numpy(x)
    weight = torch.randn(n_out, x.shape[1], requires_grad=True)
    bias = torch.zeros(n_out, requires_grad=True)

    def step():
        mask = torch.rand(weight.shape) < keep
        torch.relu(torch.nn.functional.linear(x, weight * mask, bias)).sum().backward()
    return step


def torch_maxout(x, num_units):
    x = torch.from_numpy(x).requires_grad_()

    def step():
        x.reshape(x.shape[0], num_units, -1).max(dim=2).values.sum().backward()
    return step


def torch_stochastic_pooling(x):
    x = torch.from_numpy(x).requires_grad_()
    n, h, w, c = x.shape

    def step():
        flat = x.reshape(n, h // 2, 2, w // 2, 2, c).permute(0, 1, 3, 2, 4, 5).reshape(n, h // 2, w // 2, 4, c)
        cumulative = flat.detach().cumsum(dim=3)
        threshold = torch.rand(n, h // 2, w // 2, 1, c) * cumulative[:, :, :, -1:]
        index = (cumulative <= threshold).sum(dim=3, keepdim=True).clamp_(max=3)
        flat.gather(3, index).sum().backward()
    return step


def median_seconds(pairs, repeats):
    times = [[], []]
    for _ in range(repeats):
        for i, step in enumerate(pairs):
            start = time.perf_counter()
            step()
            times[i].append(time.perf_counter() - start)
    return [statistics.median(t) for t in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    report_environment()
    rng = np.random.default_rng(0)
    dense_input = rng.random((BATCH, 784), dtype=np.float32)
    pieces = rng.normal(size=(BATCH, 2048)).astype(np.float32)
    maps = rng.random((BATCH, 28, 28, 32), dtype=np.float32)
    cases = [
        ("DropConnect 784->1024 relu", layerwise_step(DropConnect(1024, activation="relu"), dense_input),
         torch_drop_connect(dense_input, 1024)),
        ("Maxout 2048->1024", layerwise_step(Maxout(1024), pieces), torch_maxout(pieces, 1024)),
        ("StochasticPooling2D 28x28x32", layerwise_step(StochasticPooling2D(2), maps),
         torch_stochastic_pooling(maps)),
    ]
    print(f"{'case':<32}{'layerwise ms':>14}{'torch ms':>12}{'torch/layerwise':>18}")
    for name, ours, theirs in cases:
        ours(), theirs()
        mine, reference = median_seconds((ours, theirs), args.repeats)
        print(f"{name:<32}{mine * 1e3:>14.2f}{reference * 1e3:>12.2f}{reference / mine:>18.2f}")


if __name__ == "__main__":
    main()
