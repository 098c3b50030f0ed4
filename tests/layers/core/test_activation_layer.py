"""Activation layer: applies the function, keeps only what its backward reads, refuses sign/step."""

import numpy as np
import pytest
import torch

from layerwise import activations
from layerwise.layers import Activation


@pytest.mark.parametrize("name, reference", [
    ("sigmoid", torch.sigmoid), ("tanh", torch.tanh), ("softplus", torch.nn.functional.softplus),
    ("softmax", lambda t: torch.softmax(t, dim=-1)), ("selu", torch.nn.functional.selu),
])
def test_matches_torch(name, reference, float64, rng):
    layer = Activation(name)
    x, dy = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    x_torch = torch.tensor(x, requires_grad=True)
    y_torch = reference(x_torch)
    y_torch.backward(torch.tensor(dy))
    np.testing.assert_allclose(layer(x), y_torch.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.backward(dy), x_torch.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name, keeps_input", [("sigmoid", False), ("softmax", False), ("elu", True)])
def test_keeps_the_input_only_when_the_derivative_reads_it(name, keeps_input, rng):
    layer = Activation(name)
    x = rng.normal(size=(2, 3)).astype(np.float32)
    original = x.copy()
    layer(x)
    assert (layer.x is not None) == keeps_input
    np.testing.assert_array_equal(x, original)


def test_accepts_a_function_and_serializes_its_name():
    layer = Activation(activations.tanh)
    assert layer.activation.name == "tanh" and layer.get_config()["activation"] == "tanh"
    assert layer.output_activation is layer.activation


@pytest.mark.parametrize("name", ["sign", "step"])
def test_perceptron_functions_run_forward_and_refuse_backward(name):
    layer = Activation(name)
    y = layer(np.array([[-1.0, 2.0]]))
    assert set(np.unique(y)) <= {-1.0, 0.0, 1.0}
    with pytest.raises(ValueError, match=f"'{name}' activation has no useful derivative"):
        layer.backward(np.ones_like(y))


def test_unknown_activation():
    with pytest.raises(ValueError, match="Unknown activation 'sigmoids'"):
        Activation("sigmoids")
