"""ResNet-20 training steps on CIFAR-sized batches: layerwise vs PyTorch, in one run.

Run it with OpenBLAS left to pick its own kernel (this machine may set variables that slow NumPy):

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/resnet.py

Both frameworks run the same network (He et al.'s CIFAR ResNet-20: 3x3 convolutions without bias, batch
normalization, identity shortcuts and strided 1x1-convolution projections where the shape changes, global
average pooling, softmax), one step = forward + backward + SGD update on a batch of 128 random 32x32x3
float32 images with random labels. The two are interleaved over ``--repeats`` rounds of ``--steps`` steps
each (after one warm-up step) and the median time per step is reported, so the ratio holds on a noisy
machine. Target: layerwise / PyTorch <= 1.25. Last, a separate layerwise run prints where its step goes, per
layer type and step, with the convolution's three passes (forward, weight gradient, input gradient) inside;
what runs inside those, split over the cores, is not timed apart.
"""

import argparse
import statistics

import numpy as np
import torch

from _clock import Clock, seconds_per_call
from _environment import report_environment
import layerwise
from layerwise.applications import resnet_cifar
from layerwise.layers.convolutional import conv2d as conv2d_module
from layerwise.optimizers import SGD

BATCH = 128
LEARNING_RATE = 0.1


class TorchBlock(torch.nn.Module):
    def __init__(self, channels_in, channels_out, stride):
        super().__init__()
        bn = lambda c: torch.nn.BatchNorm2d(c, eps=1e-3, momentum=0.1)  # noqa: E731 (resnet_cifar's BN)
        self.conv1 = torch.nn.Conv2d(channels_in, channels_out, 3, stride, 1, bias=False)
        self.bn1 = bn(channels_out)
        self.conv2 = torch.nn.Conv2d(channels_out, channels_out, 3, 1, 1, bias=False)
        self.bn2 = bn(channels_out)
        self.projection = None
        if stride != 1 or channels_in != channels_out:
            self.projection = torch.nn.Sequential(
                torch.nn.Conv2d(channels_in, channels_out, 1, stride, bias=False), bn(channels_out))

    def forward(self, x):
        y = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(y + (x if self.projection is None else self.projection(x)))


def torch_resnet(depth, classes=10):
    layers = [torch.nn.Conv2d(3, 16, 3, 1, 1, bias=False), torch.nn.BatchNorm2d(16, eps=1e-3, momentum=0.1),
              torch.nn.ReLU()]
    channels = 16
    for stage, filters in enumerate((16, 32, 64)):
        for block in range((depth - 2) // 6):
            layers.append(TorchBlock(channels, filters, 2 if stage > 0 and block == 0 else 1))
            channels = filters
    layers += [torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(64, classes)]
    return torch.nn.Sequential(*layers)


def layerwise_stepper(x, y):
    model = resnet_cifar(20)
    model.compile(optimizer=SGD(learning_rate=LEARNING_RATE), loss="sparse_categorical_crossentropy")
    return lambda: model.train_on_batch(x, y)


def torch_stepper(x, y):
    model = torch_resnet(20)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    loss_fn = torch.nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2))), torch.from_numpy(y.astype(np.int64))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(xt), yt)
        loss.backward()
        optimizer.step()
    return step


def breakdown(x, y, steps):
    """Where a layerwise step spends its time: per layer type and step, and the convolution kernels inside."""
    model = resnet_cifar(20)
    model.compile(optimizer=SGD(learning_rate=LEARNING_RATE), loss="sparse_categorical_crossentropy")
    model.train_on_batch(x, y)
    clock = Clock()
    for name in ("conv_forward", "conv_backward_kernel", "conv_backward_input"):
        setattr(conv2d_module, name, clock.wrap(f"  {name}", getattr(conv2d_module, name)))
    for cls in {type(layer) for layer in model.layers}:
        for method in ("forward", "backward", "backward_preactivation"):
            clock.wrap_layer_method(cls, method, lambda layer: type(layer).__name__)
    total = seconds_per_call(lambda: model.train_on_batch(x, y), steps) * steps
    clock.report(f"layerwise time by layer type and step ({steps} steps, {total:.2f} s in total; indented: the "
                 "convolution passes inside the step above):", total, rest="loss, SGD update (the rest)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--steps", type=int, default=5)
    args = parser.parse_args()

    report_environment()

    rng = np.random.default_rng(0)
    x = rng.random((BATCH, 32, 32, 3), dtype=np.float32)
    y = rng.integers(0, 10, BATCH)
    layerwise.utils.set_random_seed(0)
    steppers = {"layerwise": layerwise_stepper(x, y), "PyTorch": torch_stepper(x, y)}
    for step in steppers.values():
        step()
    times = {name: [] for name in steppers}
    for _ in range(args.repeats):
        for name, step in steppers.items():
            times[name].append(seconds_per_call(step, args.steps))
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"\nResNet-20, batch {BATCH} x 32x32x3, forward + backward + SGD; median of {args.repeats} x "
          f"{args.steps} steps:")
    for name, seconds in median.items():
        print(f"  {name:<10}{seconds * 1000:8.1f} ms/step")
    print(f"\nlayerwise / PyTorch = {median['layerwise'] / median['PyTorch']:.2f}   (target <= 1.25)\n")
    breakdown(x, y, args.steps)


if __name__ == "__main__":
    main()
