"""The recurrent cells and RNN beyond the layer table: RNN(cell) equals the built-in layer, stacked cells equal
stacked layers, one step's gradients by finite differences, masks, states, Keras defaults and errors."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.layers import serialization
from layerwise.testing import check_gradients

PAIRS = [(layers.SimpleRNNCell, layers.SimpleRNN), (layers.LSTMCell, layers.LSTM), (layers.GRUCell, layers.GRU)]


def _finite_difference(function, array, epsilon=1e-6):
    numeric = np.zeros_like(array)
    for index in np.ndindex(array.shape):
        original = array[index]
        array[index] = original + epsilon
        plus = function()
        array[index] = original - epsilon
        minus = function()
        array[index] = original
        numeric[index] = (plus - minus) / (2 * epsilon)
    return numeric


@pytest.mark.parametrize("cell_class, layer_class", PAIRS, ids=["simple_rnn", "lstm", "gru"])
@pytest.mark.parametrize("options", [{}, {"return_sequences": True, "go_backwards": True}], ids=["last", "sequences"])
def test_rnn_over_a_cell_equals_the_builtin_layer(cell_class, layer_class, options, float64, rng):
    x = rng.normal(size=(3, 6, 4))
    builtin = layer_class(5, bias_initializer="random_normal", **options)
    y = builtin(x)
    rnn = layers.RNN(cell_class(5), **options)
    rnn.build_for(x.shape)
    rnn.set_weights(builtin.get_weights())
    np.testing.assert_array_equal(rnn(x), y)
    dy = rng.normal(size=y.shape)
    np.testing.assert_array_equal(rnn.backward(dy), builtin.backward(dy))
    for mine, theirs in zip(rnn.weights, builtin.weights, strict=True):
        np.testing.assert_array_equal(mine.grad, theirs.grad)


def test_rnn_lstm_cell_equals_lstm_in_training_with_the_same_seed(rng):
    x = rng.normal(size=(3, 6, 4)).astype("float32")
    rnn = layers.RNN(layers.LSTMCell(4, dropout=0.3, recurrent_dropout=0.3, seed=7), return_sequences=True)
    rnn.build_for(x.shape)
    lstm = layers.LSTM(4, dropout=0.3, recurrent_dropout=0.3, seed=7, return_sequences=True)
    lstm.build_for(x.shape)
    lstm.set_weights(rnn.get_weights())
    y = rnn(x, training=True)
    np.testing.assert_array_equal(y, lstm(x, training=True))
    assert not np.allclose(y, rnn(x)), "dropout must act in training for the test to mean much"


def test_builtin_layers_are_rnn_over_their_cell():
    lstm = layers.LSTM(3, recurrent_activation="hard_sigmoid", dropout=0.2, name="encoder")
    assert isinstance(lstm, layers.RNN) and isinstance(lstm.cell, layers.LSTMCell)
    assert lstm.units == 3 and lstm.recurrent_activation.name == "hard_sigmoid" and lstm.dropout == 0.2
    assert lstm.rng is lstm.cell.rng and lstm.sublayers() == []
    lstm.build_for((None, 5, 2))
    assert lstm.kernel is lstm.cell.kernel and [p.name for p in lstm.weights] == [
        "encoder/kernel", "encoder/recurrent_kernel", "encoder/bias"]
    config = lstm.get_config()
    assert "cell" not in config and config["units"] == 3 and config["unit_forget_bias"] is True
    assert layers.GRU(2).reset_after and not hasattr(layers.SimpleRNN(2), "recurrent_activation")


@pytest.mark.parametrize("cell_class", [layers.SimpleRNNCell, layers.LSTMCell, layers.GRUCell])
def test_keras_defaults_sizes_and_weight_layout(cell_class):
    cell = cell_class(3)
    out, states = cell(np.ones((2, 4), "float32"))
    gates = {layers.SimpleRNNCell: 1, layers.LSTMCell: 4, layers.GRUCell: 3}[cell_class]
    assert cell.kernel.shape == (4, gates * 3) and cell.recurrent_kernel.shape == (3, gates * 3)
    assert cell.output_size == 3 and out.shape == (2, 3) and out.dtype == np.float32
    assert cell.state_size == ([3, 3] if cell_class is layers.LSTMCell else 3)
    assert [s.shape for s in states] == [(2, 3)] * (2 if cell_class is layers.LSTMCell else 1)
    np.testing.assert_array_equal(out, states[0])
    assert cell.activation.name == "tanh" and cell.dropout == 0.0 and cell.seed is None
    recurrent = cell.recurrent_kernel.value.astype("float64")
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(3), atol=1e-6)
    if cell_class is layers.LSTMCell:
        np.testing.assert_array_equal(cell.bias.value, [0, 0, 0, 1, 1, 1] + [0] * 6)
        assert cell.recurrent_activation.name == "sigmoid" and cell.unit_forget_bias
    if cell_class is layers.GRUCell:
        assert cell.bias.shape == (2, 9) and layers.GRUCell(3, reset_after=False).reset_after is False


@pytest.mark.parametrize("make", [
    lambda: layers.SimpleRNNCell(3, activation="softplus", bias_initializer="random_normal"),
    lambda: layers.LSTMCell(3, bias_initializer="random_normal"),
    lambda: layers.GRUCell(3, reset_after=False, bias_initializer="random_normal"),
    lambda: layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)]),
], ids=["simple_rnn_cell", "lstm_cell", "gru_cell_reset_before", "stacked"])
def test_one_step_gradients_by_finite_differences(make, float64, rng):
    cell = make()
    x = rng.normal(size=(2, 4))
    stacked = isinstance(cell, layers.StackedRNNCells)
    initial = cell.get_initial_state(2)
    states = ([[rng.normal(size=s.shape) for s in cell_states] for cell_states in initial] if stacked
              else [rng.normal(size=s.shape) for s in initial])
    flat = [s for group in states for s in group] if stacked else states
    output, new_states = cell(x, states)
    new_flat = [s for group in new_states for s in group] if stacked else new_states
    d_output = rng.normal(size=output.shape)
    d_new = [rng.normal(size=s.shape) for s in new_flat]

    def objective():
        output, new_states = cell(x, states)
        new_flat = [s for group in new_states for s in group] if stacked else new_states
        return np.sum(d_output * output) + sum(np.sum(d * s) for d, s in zip(d_new, new_flat))

    cell(x, states)
    d_groups = [d_new[:2], d_new[2:]] if stacked else d_new  # stacked: [h1, c1] of the LSTMCell, [h2]
    for p in cell.weights:
        p.zero_grad()
    dx, d_previous = cell.backward([d_output, *d_groups])
    np.testing.assert_allclose(dx, _finite_difference(objective, x), rtol=1e-6, atol=1e-9)
    d_previous_flat = [d for group in d_previous for d in group] if stacked else d_previous
    for d, state in zip(d_previous_flat, flat, strict=True):
        np.testing.assert_allclose(d, _finite_difference(objective, state), rtol=1e-6, atol=1e-9)
    for p in cell.weights:
        analytic = p.grad.copy()
        np.testing.assert_allclose(analytic, _finite_difference(objective, p.value), rtol=1e-6, atol=1e-9)


def test_stacked_cells_equal_stacked_layers(float64, rng):
    x = rng.normal(size=(2, 7, 3))
    first, second = layers.LSTM(4, return_sequences=True), layers.GRU(2, go_backwards=False)
    expected = layerwise.Sequential([first, second])(x)
    stacked = layers.RNN([layers.LSTMCell(4), layers.GRUCell(2)])
    stacked.build_for(x.shape)
    stacked.set_weights(first.get_weights() + second.get_weights())
    np.testing.assert_allclose(stacked(x), expected, rtol=1e-12)
    assert isinstance(stacked.cell, layers.StackedRNNCells) and stacked.cell.state_size == [[4, 4], 2]


def test_return_state_of_stacked_cells_and_its_gradients(float64, rng):
    layer = layers.RNN([layers.LSTMCell(3), layers.SimpleRNNCell(2)], return_sequences=True, return_state=True)
    x = rng.normal(size=(2, 5, 4))
    output, h1, c1, h2 = layer(x)
    assert (h1.shape, c1.shape, h2.shape) == ((2, 3), (2, 3), (2, 2))
    np.testing.assert_array_equal(h2, output[:, -1])
    dy, dh1, dc1 = rng.normal(size=output.shape), rng.normal(size=h1.shape), rng.normal(size=c1.shape)
    dx = layer.backward([dy, dh1, dc1, None])

    def objective():
        output, h1, c1, _ = layer(x)
        return np.sum(dy * output) + np.sum(dh1 * h1) + np.sum(dc1 * c1)
    np.testing.assert_allclose(dx, _finite_difference(objective, x), rtol=1e-6, atol=1e-9)


def test_masked_steps_carry_the_previous_output_unless_zero_output_for_mask(rng):
    x = rng.normal(size=(2, 6, 3)).astype("float32")
    mask = np.array([[True, True, False, True, False, False], [True] * 6])
    carried = layers.RNN(layers.GRUCell(4), return_sequences=True)
    y = carried(x, mask=mask)
    np.testing.assert_array_equal(y[0, 2], y[0, 1])
    np.testing.assert_array_equal(y[0, 5], y[0, 3])
    zeroed = layers.RNN(layers.GRUCell(4), return_sequences=True, zero_output_for_mask=True)
    zeroed.build_for(x.shape)
    zeroed.set_weights(carried.get_weights())
    z = zeroed(x, mask=mask)
    np.testing.assert_array_equal(z[0, [2, 4, 5]], 0.0)
    np.testing.assert_array_equal(z[:, [0, 1, 3]], y[:, [0, 1, 3]])
    last = layers.RNN(layers.GRUCell(4))
    last.build_for(x.shape)
    last.set_weights(carried.get_weights())
    np.testing.assert_array_equal(last(x, mask=mask), y[:, -1])
    np.testing.assert_array_equal(last(x[:1, [0, 1, 3]]), y[:1, 3])
    np.testing.assert_array_equal(carried.output_mask, mask)


def test_gradients_through_masked_steps_of_stacked_cells(float64, rng):
    ids = rng.integers(1, 7, size=(2, 6))
    ids[0, 3:] = 0
    model = layerwise.Sequential([layers.Embedding(7, 3, mask_zero=True),
                                  layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)], return_sequences=True),
                                  layers.RNN(layers.SimpleRNNCell(2), go_backwards=True)])
    report = check_gradients(model, ids.astype("float64"))
    assert report.passed, f"\n{report}"


def test_stateful_rnn_over_cells_carries_every_state(rng):
    x = rng.normal(size=(2, 8, 3)).astype("float32")
    whole = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_sequences=True)
    expected = whole(x)
    halves = layers.RNN([layers.LSTMCell(4), layers.GRUCell(3)], return_sequences=True, stateful=True)
    halves.build_for(x.shape)
    halves.set_weights(whole.get_weights())
    y = np.concatenate([halves(x[:, :4]), halves(x[:, 4:])], axis=1)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    assert [s.shape for s in halves.states] == [(2, 4), (2, 4), (2, 3)]
    halves.reset_states()
    np.testing.assert_allclose(halves(x[:, :4]), expected[:, :4], rtol=1e-6)


def test_config_round_trip_of_a_list_of_cells_and_weight_names():
    layer = layers.RNN([layers.LSTMCell(3, name="bottom"), layers.GRUCell(2, name="top")], go_backwards=True,
                       unroll=True)
    layer.build_for((None, 5, 4))
    config = serialization.serialize(layer)
    assert config["config"]["cell"]["class_name"] == "StackedRNNCells"
    clone = serialization.deserialize(config)
    assert serialization.serialize(clone) == config and clone.unroll and clone.go_backwards
    assert [p.name for p in layer.weights][::3] == ["bottom/kernel", "top/kernel"]
    assert [type(s).__name__ for s in layer.flatten_layers()] == ["RNN", "StackedRNNCells", "LSTMCell", "GRUCell"]


def test_a_layer_called_twice_in_a_graph_keeps_each_calls_record(rng):
    """Two calls of one RNN in a functional model: each call's cell keeps its own steps for backward."""
    rnn = layers.RNN(layers.LSTMCell(3))
    a, b = layerwise.Input(shape=(5, 2)), layerwise.Input(shape=(4, 2))
    model = layerwise.Model([a, b], layers.Add()([rnn(a), rnn(b)]))
    model.compile(optimizer="sgd", loss="mse")
    xa, xb = rng.normal(size=(8, 5, 2)), rng.normal(size=(8, 4, 2))
    y = rng.normal(size=(8, 3))
    first = model.evaluate([xa, xb], y, verbose=0)
    model.fit([xa, xb], y, epochs=20, batch_size=8, verbose=0)
    assert model.evaluate([xa, xb], y, verbose=0) < first


def test_bidirectional_rnn_over_cells_equals_bidirectional_lstm_and_names_its_cells(float64, rng):
    x = rng.normal(size=(2, 5, 3))
    builtin = layers.Bidirectional(layers.LSTM(4, return_sequences=True))
    y = builtin(x)
    generic = layers.Bidirectional(layers.RNN(layers.LSTMCell(4, name="cell"), return_sequences=True, name="rnn"))
    generic.build_for(x.shape)
    generic.set_weights(builtin.get_weights())
    np.testing.assert_allclose(generic(x), y, rtol=1e-12)
    names = [p.name for p in generic.weights]
    assert names[0] == "forward_rnn/cell/kernel" and names[3] == "backward_rnn/cell/kernel"
    stacked = layers.Bidirectional(layers.RNN([layers.GRUCell(2, name="a"), layers.GRUCell(2, name="b")]))
    stacked.build_for(x.shape)
    assert len({p.name for p in stacked.weights}) == len(stacked.weights) == 12


@pytest.mark.parametrize("make, error, message", [
    (lambda: layers.RNN(layers.Dense(3)), ValueError, "cell must be a recurrent cell"),
    (lambda: layers.StackedRNNCells([]), ValueError, "at least one cell"),
    (lambda: layers.StackedRNNCells([layers.Dense(2)]), ValueError, "cells must be recurrent cells"),
    (lambda: layers.LSTMCell(0), ValueError, "LSTMCell: units must be a positive integer"),
    (lambda: layers.GRUCell(2, recurrent_dropout=1.0), ValueError, "GRUCell: recurrent_dropout must be in"),
    (lambda: layers.LSTM(3, dropout=-0.5), ValueError, "LSTM: dropout must be in"),
    (lambda: layers.LSTMCell(2)(np.ones((2, 3)), [np.zeros((2, 2))]), ValueError, "expected states of shapes"),
    (lambda: layers.SimpleRNNCell(2)(np.ones((2, 3, 1))), ValueError, "rank 2"),
    (lambda: layers.RNN(layers.GRUCell(2))(np.ones((2, 3))), ValueError, "rank 3"),
])
def test_errors_name_the_argument_and_value(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_a_cell_built_for_other_features_is_refused():
    cell = layers.GRUCell(2)
    cell.build_for((None, 3))
    with pytest.raises(ValueError, match=r"built for steps of shape \(3,\), received \(5,\)"):
        layers.RNN(cell)(np.ones((2, 4, 5)))
