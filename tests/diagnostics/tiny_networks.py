"""Tiny networks whose diagnostics the tests compute by hand."""

import numpy as np

import layerwise
from layerwise.layers import Dense


def relu_mlp():
    """x (3) -> Dense(4, relu) "hidden" -> Dense(2) "out", trained by SGD(0.1) on the mean squared error."""
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, activation="relu", name="hidden"),
                                  Dense(2, name="out")])
    model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="mse")
    return model


def nested_relu_mlp():
    """The same network with its hidden layer "inner" inside a nested model "block"."""
    block = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, activation="relu", name="inner")],
                                 name="block")
    x = layerwise.Input(shape=(3,))
    model = layerwise.Model(x, Dense(2, name="head")(block(x)))
    model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="mse")
    return model


def kernel_gradients(hidden, out, x, y):
    """dJ/dW of both kernels of y_hat = relu(x W1 + b1) W2 + b2 under J = mean((y_hat - y)^2), by the chain
    rule: dJ/dy_hat = 2 (y_hat - y) / (N d), dJ/dW2 = h^T dJ/dy_hat, dJ/dW1 = x^T (dJ/dy_hat W2^T * [z > 0])."""
    z = x @ hidden.kernel.value + hidden.bias.value
    h = np.maximum(z, 0)
    d_output = 2 * (h @ out.kernel.value + out.bias.value - y) / y.size
    d_hidden = (d_output @ out.kernel.value.T) * (z > 0)
    return {hidden.name: x.T @ d_hidden, out.name: h.T @ d_output}


def layer_named(model, name):
    """The layer called ``name`` at any depth of ``model``."""
    return next(layer for layer in model.flatten_layers() if layer.name == name)
