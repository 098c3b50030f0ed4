"""ReLU, LeakyReLU, ELU and Softmax layers against PyTorch, with Keras's defaults and argument checks."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise.layers import ELU, LeakyReLU, ReLU, Softmax


def _away_from(*kinks):
    def sample(rng, shape):
        x = rng.normal(scale=3.0, size=shape)
        for kink in kinks:
            x = np.where(np.abs(x - kink) < 0.1, kink + 0.3, x)
        return x
    return sample


CASES = [
    ("relu", ReLU, F.relu, _away_from(0.0)),
    ("relu6", lambda: ReLU(max_value=6.0), F.relu6, _away_from(0.0, 6.0)),
    ("relu_leak_threshold", lambda: ReLU(negative_slope=0.1, threshold=1.0),
     lambda t: torch.where(t >= 1.0, t, 0.1 * (t - 1.0)), _away_from(1.0)),
    ("leaky_relu_keras_default", LeakyReLU, lambda t: F.leaky_relu(t, 0.3), _away_from(0.0)),
    ("elu", lambda: ELU(alpha=0.5), lambda t: F.elu(t, alpha=0.5), _away_from(0.0)),
    ("softmax_axis1", lambda: Softmax(axis=1), lambda t: torch.softmax(t, dim=1), _away_from()),
]


@pytest.mark.parametrize("factory, reference, sampler", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_matches_torch(factory, reference, sampler, float64, rng):
    layer = factory()
    x, dy = sampler(rng, (3, 4, 5)), rng.normal(size=(3, 4, 5))
    x_torch = torch.tensor(x, requires_grad=True)
    y_torch = reference(x_torch)
    y_torch.backward(torch.tensor(dy))
    np.testing.assert_allclose(layer(x), y_torch.detach().numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.backward(dy), x_torch.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_relu_gives_positive_zero_below_the_threshold():
    y = ReLU()(np.array([[-1.0, 2.0]]))
    assert not np.signbit(y).any()


@pytest.mark.parametrize("factory, pattern", [
    (lambda: ReLU(max_value=-1), r"ReLU: max_value must be >= 0, received -1"),
    (lambda: ReLU(negative_slope=-0.1), r"ReLU: negative_slope must be >= 0, received -0.1"),
    (lambda: LeakyReLU(negative_slope=-1), r"LeakyReLU: negative_slope must be >= 0, received -1"),
])
def test_invalid_arguments(factory, pattern):
    with pytest.raises(ValueError, match=pattern):
        factory()


def test_configs_hold_the_fixed_arguments():
    assert LeakyReLU(negative_slope=0.2).get_config()["negative_slope"] == 0.2
    assert Softmax(axis=1).get_config()["axis"] == 1
    assert "activation" not in ELU().get_config()
