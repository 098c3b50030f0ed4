"""Plain SGD's step by BLAS's axpy against the compiled one-pass step, on whole training steps, in one run.

The calibration chooses the step kernel (`layerwise.ops.elementwise.STEP_KERNEL`: the axpy and dot product of the
library that runs the products, MKL's or NumPy's BLAS, taken only where a model's passes leave the cores to BLAS) from
the update alone; this times what a user gets, whole training steps, for three models: the 784-1024-1024-10 MLP of
bench/mlp_mnist.py on MNIST, the lectures' CNN of bench/cnn_mnist.py and ResNet-20 of bench/resnet.py (random data of
their shapes, batch 128).
Two copies of each model, one per kernel, take turns in blocks of ``--steps`` steps for ``--rounds`` rounds, the
one going first alternating from round to round (the second of two blocks can gain a few percent from the first).
Printed: the median time of a step by each kernel, and the median, quartiles and extremes of the rounds' ratios
(BLAS / compiled; below 1, BLAS's step is faster).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/step_kernel.py [--rounds 40]
"""

import argparse
import statistics
import time

import numpy as np

from _environment import report_environment
from cnn_mnist import layerwise_network as cnn
from mlp_mnist import layerwise_network as mlp
import layerwise
from layerwise.applications import resnet_cifar
from layerwise.ops import _blas, _mkl, elementwise
from layerwise.optimizers import SGD

BATCH = 128


def data(name, rng):
    if name == "MLP":
        (x, y), _ = layerwise.datasets.mnist.load_data()
        return x.reshape(len(x), -1).astype(np.float32) / 255.0, y
    shape = (28, 28, 1) if name == "CNN" else (32, 32, 3)
    return rng.random((16 * BATCH, *shape), dtype=np.float32), rng.integers(0, 10, 16 * BATCH)


def compare(name, build, steps, rounds, rng):
    x, y = data(name, rng)
    models = {}
    for kernel in ("compiled", "blas"):
        model = build()
        model.compile(optimizer=SGD(learning_rate=0.01), loss="sparse_categorical_crossentropy")
        models[kernel] = model
    times, ratios = {kernel: [] for kernel in models}, []
    for round_ in range(rounds):
        order = list(models) if round_ % 2 == 0 else list(models)[::-1]
        for kernel in order:
            elementwise.STEP_KERNEL = kernel
            model = models[kernel]
            model.train_on_batch(x[:BATCH], y[:BATCH])  # the first step after a switch is not timed
            starts = rng.integers(0, len(x) - BATCH, size=steps)
            start = time.perf_counter()
            for first in starts:
                model.train_on_batch(x[first:first + BATCH], y[first:first + BATCH])
            times[kernel].append((time.perf_counter() - start) / steps)
        ratios.append(times["blas"][-1] / times["compiled"][-1])
    low, _, high = statistics.quantiles(ratios, n=4)
    compiled_ms, blas_ms = (1e3 * statistics.median(times[kernel]) for kernel in ("compiled", "blas"))
    print(f"{name:<10}{compiled_ms:10.2f}{blas_ms:10.2f}{statistics.median(ratios):9.3f}   {low:.3f}-{high:.3f}   "
          f"{min(ratios):.3f}-{max(ratios):.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--steps", type=int, default=0, help="steps per block (0: 20 MLP, 10 CNN, 2 ResNet-20)")
    args = parser.parse_args()
    report_environment()
    library = _mkl if layerwise.config.calibration()["matrix_products"] == "mkl" else _blas
    if not library.available():
        raise SystemExit("NumPy's BLAS cannot be called here (not OpenBLAS): there is no BLAS step to time")
    saved, rng = elementwise.STEP_KERNEL, np.random.default_rng(0)
    print(f"\nms per training step, batch {BATCH}; ratio = BLAS / compiled, by round ({args.rounds} rounds)")
    print(f"{'model':<10}{'compiled':>10}{'BLAS':>10}{'median':>9}   {'quartiles':<14}extremes")
    try:
        for name, build, steps in (("MLP", mlp, 20), ("CNN", cnn, 10), ("ResNet-20", lambda: resnet_cifar(20), 2)):
            compare(name, build, args.steps or steps, args.rounds, rng)
    finally:
        elementwise.STEP_KERNEL = saved


if __name__ == "__main__":
    main()
