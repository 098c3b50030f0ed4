"""Lab-sized run: a CNN reaches >= 99% MNIST test accuracy with layerwise alone.

The networks (``--network``): "cnn", the CNN of the convolution issue, Conv(32, 3x3, same)-ReLU-MaxPool2-
Conv(64, 3x3, same)-ReLU-MaxPool2-Flatten-Dense(128)-ReLU-Dense(10, softmax); "lenet5", LeCun et al.'s LeNet-5
(`layerwise.applications.LeNet5`: tanh, average pooling, the digits zero-padded to 32x32); "lenet5-modern",
the same with ReLU and max pooling. SGD with momentum 0.9 and a step schedule (learning rate 0.05, divided by
10 for the last two epochs), batch 128, float32, seed 0; prints the test accuracy after every epoch.

Run (a few minutes on 2 cores):
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE /work/venv/bin/python bench/cnn_mnist_accuracy.py \
        [--network cnn|lenet5|lenet5-modern] [--epochs 5]
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import layerwise  # noqa: E402
from cnn_mnist import layerwise_network  # noqa: E402
from layerwise.applications import LeNet5  # noqa: E402

NETWORKS = {"cnn": layerwise_network, "lenet5": lambda: LeNet5(input_shape=(28, 28, 1)),
            "lenet5-modern": lambda: LeNet5(input_shape=(28, 28, 1), variant="modern")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--network", choices=sorted(NETWORKS), default="cnn")
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    layerwise.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    x_train = (x_train[..., None] / np.float32(255)).astype(np.float32)
    x_test = (x_test[..., None] / np.float32(255)).astype(np.float32)
    model = NETWORKS[args.network]()
    steps_per_epoch = -(-len(x_train) // 128)
    decay_step = max(args.epochs - 2, 1) * steps_per_epoch
    schedule = layerwise.optimizers.schedules.PiecewiseConstantDecay([decay_step - 1], [0.05, 0.005])
    model.compile(optimizer=layerwise.optimizers.SGD(schedule, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    for epoch in range(args.epochs):
        start = time.perf_counter()
        history = model.fit(x_train, y_train, batch_size=128, epochs=epoch + 1, initial_epoch=epoch, verbose=0)
        loss, accuracy = model.evaluate(x_test, y_test, batch_size=500, verbose=0)
        print(f"epoch {epoch + 1}: train loss {history.history['loss'][-1]:.4f}, test loss {loss:.4f}, "
              f"test accuracy {accuracy:.4f} ({time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
