"""PyTorch parity (float64) of SimpleRNN, LSTM and GRU over 25 steps: outputs, input and weight gradients.

Keras stores W (d, G u), U (u, G u), b; torch stores W^T and U^T as weight_ih / weight_hh (G u, d) and
two biases. LSTM gates share the order [i, f, c/g, o]; GRU's Keras order [z, r, h] is torch's [r, z, n],
and Keras's reset_after bias rows b[0], b[1] are torch's b_ih, b_hh.
"""

import numpy as np
import pytest
import torch

from layerwise import layers

STEPS, BATCH, FEATURES, UNITS = 25, 3, 4, 5


def _gru_order(units):
    """Column permutation from Keras's [z, r, h] to torch's [r, z, n] (its own inverse)."""
    return np.concatenate([np.arange(units, 2 * units), np.arange(units), np.arange(2 * units, 3 * units)])


def _torch_twin(layer):
    u, kernel, recurrent = layer.units, layer.kernel.value, layer.recurrent_kernel.value
    bias = layer.bias.value
    if isinstance(layer, layers.GRU):
        module, order = torch.nn.GRU(FEATURES, u, batch_first=True), _gru_order(u)
        b_ih, b_hh = bias[0][order], bias[1][order]
    elif isinstance(layer, layers.LSTM):
        module, order = torch.nn.LSTM(FEATURES, u, batch_first=True), np.arange(4 * u)
        b_ih, b_hh = bias, np.zeros_like(bias)
    else:
        module, order = torch.nn.RNN(FEATURES, u, nonlinearity="tanh", batch_first=True), np.arange(u)
        b_ih, b_hh = bias, np.zeros_like(bias)
    module = module.double()
    with torch.no_grad():
        for name, value in (("weight_ih_l0", kernel[:, order].T), ("weight_hh_l0", recurrent[:, order].T),
                            ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)):
            getattr(module, name).copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return module, order


@pytest.mark.parametrize("factory", [
    lambda: layers.SimpleRNN(UNITS, return_sequences=True, bias_initializer="random_normal"),
    lambda: layers.LSTM(UNITS, return_sequences=True, bias_initializer="random_normal"),
    lambda: layers.GRU(UNITS, return_sequences=True, bias_initializer="random_normal"),
], ids=["simple_rnn", "lstm", "gru"])
def test_matches_torch_outputs_and_gradients(factory, float64, rng):
    layer = factory()
    x = rng.normal(size=(BATCH, STEPS, FEATURES))
    dy = rng.normal(size=(BATCH, STEPS, UNITS))
    y = layer(x, training=True)
    dx = layer.backward(dy)
    module, order = _torch_twin(layer)
    x_torch = torch.from_numpy(x).requires_grad_()
    y_torch, _ = module(x_torch)
    y_torch.backward(torch.from_numpy(dy))
    np.testing.assert_allclose(y, y_torch.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), rtol=1e-9, atol=1e-11)
    inverse = np.argsort(order)
    np.testing.assert_allclose(layer.kernel.grad, module.weight_ih_l0.grad.numpy().T[:, inverse],
                               rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(layer.recurrent_kernel.grad, module.weight_hh_l0.grad.numpy().T[:, inverse],
                               rtol=1e-9, atol=1e-11)
    if isinstance(layer, layers.GRU):
        expected_bias = np.stack([module.bias_ih_l0.grad.numpy()[inverse], module.bias_hh_l0.grad.numpy()[inverse]])
    else:
        expected_bias = module.bias_ih_l0.grad.numpy()
    np.testing.assert_allclose(layer.bias.grad, expected_bias, rtol=1e-9, atol=1e-11)
    assert np.abs(dx[:, 0]).max() > 1e-6, "the gradient must reach the first step for the test to mean much"


def test_lstm_final_states_match_torch(float64, rng):
    layer = layers.LSTM(UNITS, return_state=True)
    x = rng.normal(size=(BATCH, STEPS, FEATURES))
    output, h, c = layer(x)
    module, _ = _torch_twin(layer)
    _, (h_torch, c_torch) = module(torch.from_numpy(x))
    np.testing.assert_allclose(output, h_torch[0].detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(h, h_torch[0].detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(c, c_torch[0].detach().numpy(), rtol=1e-10)
