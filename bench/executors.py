"""Many small trainings at once: the speed-up of a process pool and of a Dask LocalCluster over running them
one after another in this process, and what each trial costs Dask and the pool in overhead.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/executors.py [--trials 8] [--workers 2]

The trials: ``--trials`` MLPs (784-128-10, ReLU, SGD, batch 64) trained for ``--epochs`` epochs on the first
``--samples`` MNIST training images, each from its own seed. Every executor pins each trial to one thread
(BLAS and layerwise's lanes), so all of them give bit-identical weights, which the benchmark checks. The
in-process reference is also timed with BLAS left free (``threads=None``): what one training at a time gets
from every core. The LocalCluster's start is timed apart from its sweep, since a cluster serves many sweeps.

Overhead per trial: ``--empty`` trials that do nothing, through each executor, divided by their number (the
round trip from the scheduler to a worker and back, and the pickling).
"""

import argparse
import hashlib
import time

import layerwise
from layerwise.layers import Dense
from layerwise.optimizers import SGD
from layerwise.tuning.executors import Dask, InProcess, ProcessPool


def train(configuration, data):
    """One trial: a seeded MLP trained on ``data``; the SHA-256 of its weights (to compare executors)."""
    x, y = data
    layerwise.utils.set_random_seed(configuration["seed"])
    model = layerwise.Sequential([layerwise.Input(shape=(784,)), Dense(128, activation="relu"),
                                  Dense(10, activation="softmax")])
    model.compile(optimizer=SGD(0.1), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=64, epochs=configuration["epochs"], verbose=0)
    return hashlib.sha256(b"".join(weight.tobytes() for weight in model.get_weights())).hexdigest()


def nothing(configuration):
    return configuration


def timed_sweep(executor, function, configurations, shared=None):
    start = time.perf_counter()
    results = {configuration["seed"]: result for configuration, result in
               executor.map(function, configurations, shared=shared)}
    return time.perf_counter() - start, results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--samples", type=int, default=30000)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--empty", type=int, default=200)
    args = parser.parse_args()

    # Imported here: a pool's spawned workers import this file again, and need neither torch nor the data.
    from _environment import report_environment

    report_environment()
    (x, y), _ = layerwise.datasets.mnist.load_data()
    data = (x[:args.samples].reshape(-1, 784).astype("float32") / 255, y[:args.samples])
    sweep = [{"seed": seed, "epochs": args.epochs} for seed in range(args.trials)]
    print(f"{args.trials} trainings of a 784-128-10 MLP, {args.epochs} epochs on {args.samples} MNIST images; "
          f"{args.workers} workers")

    reference, weights = timed_sweep(InProcess(), train, sweep, data)
    free, _ = timed_sweep(InProcess(threads=None), train, sweep, data)
    pool, pooled = timed_sweep(ProcessPool(args.workers), train, sweep, data)
    start = time.perf_counter()
    with Dask(workers=args.workers) as dask:
        started = time.perf_counter() - start
        cluster, clustered = timed_sweep(dask, train, sweep, data)
        empty = [{"seed": seed} for seed in range(args.empty)]
        dask_empty, _ = timed_sweep(dask, nothing, empty)
    pool_empty, _ = timed_sweep(ProcessPool(args.workers), nothing, empty)
    print(f"{'executor':<40}{'seconds':>9}{'speed-up':>10}")
    for name, seconds in (("in-process, one thread per trial", reference),
                          ("in-process, BLAS on every core", free),
                          (f"ProcessPool({args.workers})", pool),
                          (f"Dask LocalCluster({args.workers}) (start apart)", cluster)):
        print(f"{name:<40}{seconds:>9.2f}{reference / seconds:>9.2f}x")
    print(f"LocalCluster start: {started:.2f} s")
    print(f"overhead per empty trial: Dask {1e3 * dask_empty / args.empty:.2f} ms, ProcessPool (its start "
          f"included) {1e3 * pool_empty / args.empty:.2f} ms")
    print("weights bit-identical across executors:", pooled == weights == clustered)


if __name__ == "__main__":
    main()
