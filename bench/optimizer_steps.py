"""One optimizer step on the weights of a 784-1024-1024-10 MLP: layerwise vs torch.optim, in one run.

Run it with OpenBLAS left to pick its own kernel (this machine may set variables that slow NumPy):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE PYTHONPATH=src python bench/optimizer_steps.py

The update is pure element-wise work (NumPy runs it on one thread, torch on both cores), about 11% of
an MLP epoch with SGD (see ../shared/performance.md). Each optimizer takes ``--steps`` float32 steps on
the same parameters with fixed random gradients; layerwise and torch are interleaved over ``--repeats``
rounds and the median time per step is reported with the ratios layerwise / torch, against torch on
its default threads and on one thread (NumPy's element-wise work is single-threaded).
"""

import argparse
import statistics

import numpy as np
import torch

from _clock import seconds_per_call
from _environment import report_environment
from layerwise import optimizers
from layerwise.layers import Parameter

SHAPES = [(784, 1024), (1024,), (1024, 1024), (1024,), (1024, 10), (10,)]
PAIRS = {
    "SGD momentum": (lambda: optimizers.SGD(0.01, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
    "Adagrad": (lambda: optimizers.Adagrad(0.01), lambda p: torch.optim.Adagrad(p, lr=0.01)),
    "RMSprop": (lambda: optimizers.RMSprop(), lambda p: torch.optim.RMSprop(p, lr=0.001)),
    "Adam": (lambda: optimizers.Adam(), lambda p: torch.optim.Adam(p)),
    "AdamW": (lambda: optimizers.AdamW(), lambda p: torch.optim.AdamW(p, weight_decay=0.004)),
    "Adamax": (lambda: optimizers.Adamax(), lambda p: torch.optim.Adamax(p)),
    "Nadam": (lambda: optimizers.Nadam(), lambda p: torch.optim.NAdam(p)),
    "Adadelta": (lambda: optimizers.Adadelta(), lambda p: torch.optim.Adadelta(p)),
}


def time_steps(step, steps):
    step()  # builds the state outside the timing
    return seconds_per_call(step, steps)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    report_environment()
    rng = np.random.default_rng(0)
    values = [rng.normal(size=s).astype(np.float32) * 0.05 for s in SHAPES]
    grads = [rng.normal(size=s).astype(np.float32) * 0.01 for s in SHAPES]
    threads = torch.get_num_threads()
    print(f"{'optimizer':<14}{'layerwise ms':>14}{'torch ms':>10}{'ratio':>8}{'torch 1T ms':>13}{'ratio':>8}")
    for name, (ours, theirs) in PAIRS.items():
        parameters = [Parameter(v.copy(), f"w{i}") for i, v in enumerate(values)]
        for parameter, grad in zip(parameters, grads):
            parameter.grad[...] = grad
        tensors = [torch.tensor(v.copy(), requires_grad=True) for v in values]
        for tensor, grad in zip(tensors, grads):
            tensor.grad = torch.tensor(grad)
        optimizer, reference = ours(), theirs(tensors)
        mine, torch_times, torch_single = [], [], []
        for _ in range(args.repeats):
            mine.append(time_steps(lambda: optimizer.apply(parameters), args.steps))
            with torch.no_grad():
                torch_times.append(time_steps(reference.step, args.steps))
                torch.set_num_threads(1)
                torch_single.append(time_steps(reference.step, args.steps))
                torch.set_num_threads(threads)
        a, b, c = (statistics.median(t) * 1e3 for t in (mine, torch_times, torch_single))
        print(f"{name:<14}{a:>14.2f}{b:>10.2f}{a / b:>8.2f}{c:>13.2f}{a / c:>8.2f}")


if __name__ == "__main__":
    main()
