"""PyTorch parity (float64) of SimpleRNNCell, LSTMCell and GRUCell: one step on its own (outputs, states,
input, state and weight gradients) against torch.nn.RNNCell/LSTMCell/GRUCell over the same weights, and the
cells run by RNN (alone and stacked) against a loop of the torch cells over 12 steps.

Keras stores W (d, G u), U (u, G u), b; torch stores W^T and U^T as weight_ih / weight_hh (G u, d) and two
biases. LSTM gates share the order [i, f, c/g, o]; GRU's Keras order [z, r, h] is torch's [r, z, n], and
Keras's reset_after bias rows b[0], b[1] are torch's b_ih, b_hh.
"""

import numpy as np
import pytest
import torch

from layerwise import layers

STEPS, BATCH, FEATURES, UNITS = 12, 3, 4, 5

CELLS = {
    "simple_rnn_cell": lambda units=UNITS: layers.SimpleRNNCell(units, bias_initializer="random_normal"),
    "lstm_cell": lambda units=UNITS: layers.LSTMCell(units, bias_initializer="random_normal"),
    "gru_cell": lambda units=UNITS: layers.GRUCell(units, bias_initializer="random_normal"),
}


def _order(cell):
    """Column permutation from Keras's gate order to torch's (its own inverse)."""
    u = cell.units
    if isinstance(cell, layers.GRUCell):
        return np.concatenate([np.arange(u, 2 * u), np.arange(u), np.arange(2 * u, 3 * u)])
    return np.arange(cell.gates * u)


def _torch_cell(cell):
    """The torch twin of a built cell, with the same weights."""
    features, u, order = cell.kernel.shape[0], cell.units, _order(cell)
    bias = cell.bias.value
    if isinstance(cell, layers.GRUCell):
        module, b_ih, b_hh = torch.nn.GRUCell(features, u), bias[0][order], bias[1][order]
    elif isinstance(cell, layers.LSTMCell):
        module, b_ih, b_hh = torch.nn.LSTMCell(features, u), bias, np.zeros_like(bias)
    else:
        module, b_ih, b_hh = torch.nn.RNNCell(features, u, nonlinearity="tanh"), bias, np.zeros_like(bias)
    module = module.double()
    with torch.no_grad():
        for name, value in (("weight_ih", cell.kernel.value[:, order].T),
                            ("weight_hh", cell.recurrent_kernel.value[:, order].T),
                            ("bias_ih", b_ih), ("bias_hh", b_hh)):
            getattr(module, name).copy_(torch.from_numpy(np.ascontiguousarray(value)))
    return module


def _torch_step(module, x, states):
    """One torch step returning the list of new states in Keras's order ([h] or [h, c])."""
    if isinstance(module, torch.nn.LSTMCell):
        return list(module(x, tuple(states)))
    return [module(x, states[0])]


def _assert_weight_grads(cell, module):
    inverse = np.argsort(_order(cell))
    np.testing.assert_allclose(cell.kernel.grad, module.weight_ih.grad.numpy().T[:, inverse], rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(cell.recurrent_kernel.grad, module.weight_hh.grad.numpy().T[:, inverse],
                               rtol=1e-9, atol=1e-11)
    if isinstance(cell, layers.GRUCell):
        expected = np.stack([module.bias_ih.grad.numpy()[inverse], module.bias_hh.grad.numpy()[inverse]])
    else:
        expected = module.bias_ih.grad.numpy()
    np.testing.assert_allclose(cell.bias.grad, expected, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name", sorted(CELLS))
def test_one_step_matches_torch(name, float64, rng):
    cell = CELLS[name]()
    x = rng.normal(size=(BATCH, FEATURES))
    states = [rng.normal(size=(BATCH, UNITS)) for _ in range(cell.state_count)]
    output, new_states = cell(x, states, training=True)
    d_output = rng.normal(size=output.shape)
    d_states = [rng.normal(size=s.shape) for s in new_states]
    dx, d_previous = cell.backward([d_output, *d_states])

    module = _torch_cell(cell)
    x_torch = torch.from_numpy(x).requires_grad_()
    states_torch = [torch.from_numpy(s).requires_grad_() for s in states]
    new_torch = _torch_step(module, x_torch, states_torch)
    d_h = d_output + d_states[0]  # the output is h_t, so both gradients reach it
    torch.autograd.backward(new_torch, [torch.from_numpy(d) for d in [d_h, *d_states[1:]]])
    np.testing.assert_allclose(output, new_torch[0].detach().numpy(), rtol=1e-10, atol=1e-12)
    for state, state_torch in zip(new_states, new_torch, strict=True):
        np.testing.assert_allclose(state, state_torch.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), rtol=1e-9, atol=1e-11)
    for d, state_torch in zip(d_previous, states_torch, strict=True):
        np.testing.assert_allclose(d, state_torch.grad.numpy(), rtol=1e-9, atol=1e-11)
    _assert_weight_grads(cell, module)


def _torch_sequence(modules, x):
    """Run the torch cells, stacked, over x (N, T, d) from zero states; return the top outputs (N, T, u)."""
    states = [[torch.zeros(x.shape[0], m.hidden_size, dtype=torch.float64)
               for _ in range(2 if isinstance(m, torch.nn.LSTMCell) else 1)] for m in modules]
    outputs = []
    for t in range(x.shape[1]):
        inputs = x[:, t]
        for k, module in enumerate(modules):
            states[k] = _torch_step(module, inputs, states[k])
            inputs = states[k][0]
        outputs.append(inputs)
    return torch.stack(outputs, dim=1)


@pytest.mark.parametrize("names", [["simple_rnn_cell"], ["lstm_cell"], ["gru_cell"],
                                   ["lstm_cell", "gru_cell", "simple_rnn_cell"]],
                         ids=["simple_rnn_cell", "lstm_cell", "gru_cell", "stacked"])
def test_rnn_over_cells_matches_a_loop_of_torch_cells(names, float64, rng):
    cells = [CELLS[name](units) for name, units in zip(names, (UNITS, 3, 2))]
    layer = layers.RNN(cells if len(cells) > 1 else cells[0], return_sequences=True)
    x = rng.normal(size=(BATCH, STEPS, FEATURES))
    dy = rng.normal(size=(BATCH, STEPS, cells[-1].units))
    y = layer(x, training=True)
    dx = layer.backward(dy)
    modules = [_torch_cell(cell) for cell in cells]
    x_torch = torch.from_numpy(x).requires_grad_()
    y_torch = _torch_sequence(modules, x_torch)
    y_torch.backward(torch.from_numpy(dy))
    np.testing.assert_allclose(y, y_torch.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, x_torch.grad.numpy(), rtol=1e-9, atol=1e-11)
    for cell, module in zip(cells, modules, strict=True):
        _assert_weight_grads(cell, module)
    assert np.abs(dx[:, 0]).max() > 1e-6, "the gradient must reach the first step for the test to mean much"
