"""A maxout MLP and a DropConnect MLP learn MNIST: 10,000 training images, 2 epochs, seeded.

Measured test accuracies over seeds 0-2 (SGD lr 0.05, momentum 0.9, batch 64): maxout 0.934-0.937,
DropConnect 0.902-0.915 with weight scaling, and on the (harder) first 2,000 test images 0.876-0.890 with
weight scaling and 0.872-0.890 with Gaussian inference; the bounds leave at least 1.2 points.
"""

import numpy as np
import pytest

import layerwise
from layerwise.layers import Dense, DropConnect, Maxout
from layerwise.optimizers import SGD


@pytest.fixture(scope="module")
def mnist_subset():
    (x_train, y_train), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    scale = np.float32(1 / 255)
    return ((x_train[:10000].reshape(-1, 784) * scale, y_train[:10000]),
            (x_test.reshape(-1, 784) * scale, y_test))


def train(model, data):
    (x_train, y_train), _ = data
    model.compile(optimizer=SGD(learning_rate=0.05, momentum=0.9), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=64, epochs=2, verbose=0)
    return model


def test_maxout_mlp_learns_mnist(mnist_subset):
    model = train(layerwise.Sequential([Dense(128 * 2, input_dim=784), Maxout(128),
                                        Dense(10, activation="softmax")]), mnist_subset)
    _, (x_test, y_test) = mnist_subset
    assert model.evaluate(x_test, y_test, batch_size=500, verbose=0, return_dict=True)["accuracy"] > 0.92


def test_drop_connect_mlp_learns_mnist_with_either_inference(mnist_subset):
    drop_connect = DropConnect(256, rate=0.5, activation="relu", inference_samples=30, input_dim=784)
    model = train(layerwise.Sequential([drop_connect, Dense(10, activation="softmax")]), mnist_subset)
    _, (x_test, y_test) = mnist_subset
    assert model.evaluate(x_test, y_test, batch_size=500, verbose=0, return_dict=True)["accuracy"] > 0.89
    drop_connect.inference = "gaussian"
    subset = slice(0, 2000)
    gaussian = model.evaluate(x_test[subset], y_test[subset], batch_size=500, verbose=0, return_dict=True)
    assert gaussian["accuracy"] > 0.86
