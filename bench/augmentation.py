"""What augmentation costs: one MNIST MLP epoch with and without RandomTranslation + RandomRotation.

Run from the repository root:

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /work/venv/bin/python bench/augmentation.py [--epochs 2]

The model is performance.md's MLP (784-1024-1024-10, ReLU, softmax, SGD, batch 128, float32) fed uint8
images (N, 28, 28, 1) through Rescaling(1/255); the augmented model inserts lecture 003's shifts (10%)
and 15-degree rotations (constant fill, bilinear) before Flatten. The two models alternate (A B A B, the machine is
noisy): first single training steps on the same batches (medians of many short timings resist other
processes' load best), then whole epochs (medians); the target is an overhead below 20%. The
resampling kernel is also timed against PyTorch's affine_grid + grid_sample on the same batch.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from _environment import report_environment
import layerwise  # noqa: E402
from layerwise import layers  # noqa: E402
from layerwise.datasets import mnist  # noqa: E402
from layerwise.ops.affine import affine_resample  # noqa: E402


def mlp(augment):
    augmentation = [layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=0),
                    layers.RandomRotation(15 / 360, fill_mode="constant", seed=1)] if augment else []
    model = layerwise.Sequential([layerwise.Input(shape=(28, 28, 1)), layers.Rescaling(1 / 255), *augmentation,
                                  layers.Flatten(), layers.Dense(1024, activation="relu"),
                                  layers.Dense(1024, activation="relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=layerwise.optimizers.SGD(0.05), loss="categorical_crossentropy")
    return model


def epoch_seconds(model, x, y):
    start = time.perf_counter()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)
    return time.perf_counter() - start


def step_milliseconds(models, x, y, steps):
    """Median ms of one training step (batch 128) per model, the models alternating on the same batches."""
    times = {name: [] for name in models}
    order = np.random.default_rng(0).permutation(len(x))
    for step in range(steps):
        index = order[step * 128:(step + 1) * 128]
        for name, model in models.items():
            start = time.perf_counter()
            model.train_on_batch(x[index], y[index])
            times[name].append(time.perf_counter() - start)
    return {name: 1e3 * statistics.median(values) for name, values in times.items()}


def kernel_milliseconds(x, repeats=50):
    """Median ms of one rotation of a batch (128, 28, 28, 1) by layerwise and by PyTorch."""
    rng = np.random.default_rng(0)
    angle = rng.uniform(-np.pi / 12, np.pi / 12, size=len(x))
    cos, sin = np.cos(angle), np.sin(angle)
    transforms = np.stack([cos, -sin, 13.5 * (1 - cos + sin), sin, cos, 13.5 * (1 - sin - cos)], axis=1)
    theta = torch.tensor(np.stack([np.stack([cos, -sin, np.zeros_like(cos)], 1),
                                   np.stack([sin, cos, np.zeros_like(cos)], 1)], 1), dtype=torch.float32)
    x_torch = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())

    def ours():
        affine_resample(x, transforms, "bilinear", "constant", 0.0)

    def theirs():
        grid = torch.nn.functional.affine_grid(theta, list(x_torch.shape), align_corners=True)
        torch.nn.functional.grid_sample(x_torch, grid, padding_mode="zeros", align_corners=True)

    times = {ours: [], theirs: []}
    for _ in range(repeats):
        for function in times:
            start = time.perf_counter()
            function()
            times[function].append(time.perf_counter() - start)
    return 1e3 * statistics.median(times[ours]), 1e3 * statistics.median(times[theirs])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=300, help="training steps per model, alternating")
    parser.add_argument("--epochs", type=int, default=2, help="whole epochs per model, alternating (0: none)")
    args = parser.parse_args()
    report_environment()
    (x, y), _ = mnist.load_data()
    x = x[..., None]
    y = layerwise.utils.to_categorical(y, 10).astype(np.float32)
    layerwise.utils.set_random_seed(0)
    models = {"plain": mlp(False), "augmented": mlp(True)}
    steps = step_milliseconds(models, x, y, args.steps)
    print(f"training step (median of {args.steps}): plain {steps['plain']:.2f} ms, augmented "
          f"{steps['augmented']:.2f} ms: overhead {100 * (steps['augmented'] / steps['plain'] - 1):.1f}% "
          "(target < 20%)")
    seconds = {name: [] for name in models}
    for _ in range(args.epochs):
        for name, model in models.items():
            seconds[name].append(epoch_seconds(model, x, y))
    if args.epochs:
        plain, augmented = (statistics.median(seconds[name]) for name in models)
        for name in models:
            print(f"{name:>10} epoch: " + ", ".join(f"{s:.2f}" for s in seconds[name]) + " s")
        print(f"epoch overhead: {100 * (augmented / plain - 1):.1f}% (target < 20%)")
    ours, theirs = kernel_milliseconds(x[:128].astype(np.float32) / 255)
    print(f"rotation of a batch of 128: layerwise {ours:.2f} ms, PyTorch grid_sample {theirs:.2f} ms, "
          f"ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
