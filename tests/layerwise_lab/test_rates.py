"""The learning-rate experiments' MNIST MLP trains and reports its curves."""

import math

from layerwise_lab._data import mnist
from layerwise_lab._rates import train_mnist_mlp


def test_train_mnist_mlp_learns_and_reports_its_curves():
    run = train_mnist_mlp(mnist(train=500, test=200), learning_rate=0.1, epochs=3, hidden=32)
    assert [len(run[key]) for key in ("loss", "test_loss", "test_accuracy")] == [3, 3, 3]
    assert run["loss"][-1] < run["loss"][0] < math.log(10) + 0.5
    assert run["test_accuracy_final"] > 0.5 and run["train_loss"] < run["loss"][0]
