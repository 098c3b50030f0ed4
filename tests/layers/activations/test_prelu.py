"""PReLU: PyTorch parity of outputs and gradients (alpha per element, shared, or single)."""

import numpy as np
import pytest
import torch

from layerwise.initializers import Constant
from layerwise.layers import PReLU


def _away_from_zero(rng, shape):
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < 0.1, 0.3, x)


@pytest.mark.parametrize("input_shape, shared_axes, alpha_shape", [
    ((4, 5), None, (5,)), ((3, 4, 2), [1], (1, 2)), ((3, 4, 2), [1, 2], (1, 1)), ((3, 4, 2), 2, (4, 1)),
])
def test_matches_torch(input_shape, shared_axes, alpha_shape, float64, rng):
    layer = PReLU(alpha_initializer="random_uniform", shared_axes=shared_axes)
    x, dy = _away_from_zero(rng, input_shape), rng.normal(size=input_shape)
    y = layer(x)
    assert layer.alpha.shape == alpha_shape
    dx = layer.backward(dy)
    x_torch = torch.tensor(x, requires_grad=True)
    alpha_torch = torch.tensor(layer.alpha.value, requires_grad=True)
    y_torch = torch.clamp(x_torch, min=0) + alpha_torch * torch.clamp(x_torch, max=0)
    y_torch.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, y_torch.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), rtol=1e-13)
    np.testing.assert_allclose(layer.alpha.grad, alpha_torch.grad.numpy(), rtol=1e-12)


def test_single_alpha_matches_torch_prelu(float64, rng):
    layer = PReLU(alpha_initializer=Constant(0.25), shared_axes=[1, 2])
    x, dy = _away_from_zero(rng, (2, 3, 4)), rng.normal(size=(2, 3, 4))
    y = layer(x)
    layer.backward(dy)
    x_torch = torch.tensor(x)
    weight = torch.tensor([0.25], dtype=torch.float64, requires_grad=True)
    y_torch = torch.nn.functional.prelu(x_torch, weight)
    y_torch.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, y_torch.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(layer.alpha.grad.ravel(), weight.grad.numpy(), rtol=1e-12)


def test_default_alpha_is_zero_so_it_starts_as_relu():
    layer = PReLU()
    np.testing.assert_array_equal(layer(np.array([[-2.0, 3.0]])), [[0.0, 3.0]])
    assert layer.get_weights()[0].shape == (2,)


def test_shared_axis_outside_the_input_is_refused():
    with pytest.raises(ValueError, match=r"'p_re_lu' \(PReLU\): shared axis 3 is outside the input's axes 1..2"):
        PReLU(shared_axes=[3])(np.zeros((1, 2, 2)))
