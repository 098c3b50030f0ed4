"""The networks of layerwise.applications at their paper size: parameters, FLOPs and forward time, with PyTorch's
forward time beside layerwise's for ResNet-50 and VGG16 (measured in the same run).

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/applications.py [--repeats 3] [--only NAME ...]

Each network is built for 224x224x3 inputs and 1000 classes (LeNet-5 for its own 32x32x1 and 10 classes).
Parameters are the trainable ones (what torchvision counts; Keras's count_params adds BN's moving statistics).
FLOPs are those of one forward pass of one image: 2 x the multiply-adds of every convolution and Dense layer
(pooling, normalization and activations, a few percent, are left out, as in the papers' counts). The time is
the median over ``--repeats`` of one inference forward pass of a batch of 8 random images, after a warm-up
pass. The torch networks are the ones the weight-conversion tests use (tests/applications/torchvision_twins.py:
torchvision's layout written in torch), run under ``torch.inference_mode()``; the two are interleaved, so a
noisy machine slows both alike.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

from _environment import report_environment
from layerwise import applications, layers

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "applications"))
import torchvision_twins  # noqa: E402  (a test helper: the torch twins of torchvision's networks)

BATCH = 8
NETWORKS = {
    "LeNet5": (lambda: applications.LeNet5(), None),
    "AlexNet": (lambda: applications.AlexNet(), None),
    "VGG11": (lambda: applications.VGG11(), None),
    "VGG16": (lambda: applications.VGG16(), lambda: torchvision_twins.VGG((2, 2, 3, 3, 3), batch_norm=False)),
    "VGG19": (lambda: applications.VGG19(), None),
    "GoogLeNet": (lambda: applications.GoogLeNet(), None),
    "ResNet18": (lambda: applications.ResNet18(), None),
    "ResNet34": (lambda: applications.ResNet34(), None),
    "ResNet50": (lambda: applications.ResNet50(),
                 lambda: torchvision_twins.ResNet(torchvision_twins.Bottleneck, (3, 4, 6, 3))),
    "ResNet101": (lambda: applications.ResNet101(), None),
    "ResNet152": (lambda: applications.ResNet152(), None),
}


def forward_flops(model) -> int:
    """2 x the multiply-adds of the model's convolutions and Dense layers for one sample."""
    total = 0
    for layer in model.flatten_layers():
        if isinstance(layer, layers.Conv2D):
            height, width, _ = layer.output.shape[1:]
            total += 2 * layer.kernel.value.size * height * width
        elif isinstance(layer, layers.Dense):
            total += 2 * layer.kernel.value.size
    return total


def median_seconds(call, repeats):
    call()  # warm-up: workspaces, caches, lazily built kernels
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=sorted(NETWORKS), help="measure these networks only")
    args = parser.parse_args()
    report_environment()
    print(f"\nforward pass of a batch of {BATCH}, median of {args.repeats}:")
    print(f"{'network':<10}{'parameters':>14}{'GFLOPs/image':>14}{'layerwise s':>13}{'PyTorch s':>11}{'ratio':>7}")
    for name in args.only or NETWORKS:
        build, build_torch = NETWORKS[name]
        model = build()
        parameters = sum(weight.value.size for weight in model.trainable_weights)
        x = np.random.default_rng(0).uniform(0, 1, size=(BATCH, *model.input_shape[1:])).astype("float32")
        ours = median_seconds(lambda: model(x, training=False), args.repeats)
        line = f"{name:<10}{parameters:>14,}{forward_flops(model) / 1e9:>14.4g}{ours:>13.3f}"
        if build_torch:
            twin = build_torch().eval()
            x_torch = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
            with torch.inference_mode():
                theirs = median_seconds(lambda: twin(x_torch), args.repeats)
            line += f"{theirs:>11.3f}{ours / theirs:>7.2f}"
        print(line, flush=True)


if __name__ == "__main__":
    main()
