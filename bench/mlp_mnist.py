"""One MNIST epoch of a 784-1024-1024-10 ReLU MLP: layerwise vs PyTorch vs scikit-learn, in one run.

Run it with OpenBLAS left to pick its own kernel (this machine may set variables that slow NumPy):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/mlp_mnist.py

Each framework trains the same network (softmax cross-entropy, SGD lr 0.1, batch 128, float32, shuffled)
for one epoch on the real 60,000 MNIST training images. The three are interleaved over ``--repeats``
rounds and the median is reported, so the ratios hold on a noisy machine. The GEMM roofline is NumPy's
own float32 matmul on the epoch's exact shapes, timed in the same run.
"""

import argparse
import statistics
import time
import warnings

import numpy as np
import torch
from sklearn.neural_network import MLPClassifier

from _environment import report_environment
import layerwise
from layerwise.layers import Dense
from layerwise.optimizers import SGD

SIZES = (784, 1024, 1024, 10)
BATCH = 128
LEARNING_RATE = 0.1


def epoch_flops(samples):
    """Forward (1 GEMM) plus backward (weight and input gradients, none for the input layer) per layer."""
    per_sample = sum(2 * a * b for a, b in zip(SIZES[:-1], SIZES[1:]))
    first = 2 * SIZES[0] * SIZES[1]
    return samples * (3 * per_sample - first)


def layerwise_network():
    """The benchmark's MLP, not yet compiled (also used by step_kernel.py)."""
    return layerwise.Sequential([Dense(SIZES[1], activation="relu", input_dim=SIZES[0]),
                                 Dense(SIZES[2], activation="relu"), Dense(SIZES[3], activation="softmax")])


def run_layerwise(x, y):
    model = layerwise_network()
    model.compile(optimizer=SGD(learning_rate=LEARNING_RATE), loss="sparse_categorical_crossentropy")
    start = time.perf_counter()
    model.fit(x, y, batch_size=BATCH, epochs=1, verbose=0)
    return time.perf_counter() - start


def run_torch(x, y):
    model = torch.nn.Sequential(torch.nn.Linear(SIZES[0], SIZES[1]), torch.nn.ReLU(),
                                torch.nn.Linear(SIZES[1], SIZES[2]), torch.nn.ReLU(),
                                torch.nn.Linear(SIZES[2], SIZES[3]))
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
    start = time.perf_counter()
    order = torch.randperm(len(xt))
    for i in range(0, len(xt), BATCH):
        index = order[i:i + BATCH]
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xt[index]), yt[index])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def run_sklearn(x, y):
    model = MLPClassifier(hidden_layer_sizes=SIZES[1:-1], solver="sgd", learning_rate_init=LEARNING_RATE,
                          momentum=0.0, batch_size=BATCH, max_iter=1, shuffle=True, alpha=0.0)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, y)
    return time.perf_counter() - start


def run_gemms(samples):
    """The epoch's matrix products alone, in NumPy float32: the roofline for this network."""
    rng = np.random.default_rng(0)
    weights = [rng.standard_normal((a, b), dtype=np.float32) for a, b in zip(SIZES[:-1], SIZES[1:])]
    x = rng.standard_normal((BATCH, SIZES[0]), dtype=np.float32)
    activations = [x] + [rng.standard_normal((BATCH, b), dtype=np.float32) for b in SIZES[1:]]
    start = time.perf_counter()
    for _ in range(samples // BATCH):
        for i, w in enumerate(weights):
            activations[i] @ w
            activations[i].T @ activations[i + 1]
            if i:
                activations[i + 1] @ w.T
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--no-sklearn", action="store_true")
    args = parser.parse_args()

    report_environment()

    (x, y), _ = layerwise.datasets.mnist.load_data()
    x = x.reshape(len(x), -1).astype(np.float32) / 255.0
    flops = epoch_flops(len(x))
    runners = {"GEMMs alone (NumPy)": lambda: run_gemms(len(x)), "layerwise": lambda: run_layerwise(x, y),
               "PyTorch": lambda: run_torch(x, y)}
    if not args.no_sklearn:
        # MLPClassifier computes in the input's dtype: float64 is what most users pass it.
        runners["scikit-learn float64"] = lambda: run_sklearn(x.astype(np.float64), y)
        runners["scikit-learn float32"] = lambda: run_sklearn(x, y)
    times = {name: [] for name in runners}
    for _ in range(args.repeats):
        for name, run in runners.items():
            times[name].append(run())
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"\none epoch, {len(x)} samples, batch {BATCH}, {flops / 1e9:.0f} GFLOP; median of {args.repeats}:")
    for name, seconds in median.items():
        print(f"  {name:<22}{seconds:7.2f} s  {flops / seconds / 1e9:7.1f} GFLOP/s  "
              f"({median['GEMMs alone (NumPy)'] / seconds:5.1%} of the GEMM roofline)")
    ratio = median["layerwise"] / median["PyTorch"]
    print(f"\nlayerwise / PyTorch     = {ratio:.2f}   (target <= 1.0, with layerwise at >= 75% of the GEMM roofline)")
    for name in ("scikit-learn float64", "scikit-learn float32"):
        if name in median:
            print(f"{name} / layerwise = {median[name] / median['layerwise']:.2f}   (target >= 3)")


if __name__ == "__main__":
    main()
