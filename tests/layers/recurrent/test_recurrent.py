"""Recurrent layers beyond the layer table: masking, stateful, return_state, Keras defaults and errors."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.testing import check_gradients

RECURRENT = [layers.SimpleRNN, layers.LSTM, layers.GRU]


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


@pytest.mark.parametrize("cls", RECURRENT)
def test_masked_padding_gives_the_unpadded_result(cls, rng):
    x = rng.normal(size=(2, 6, 4)).astype("float32")
    padded = x.copy()
    padded[0, 4:] = 0.0
    rnn = cls(3, return_sequences=True)
    model = layerwise.Sequential([layers.Masking(), rnn])
    y = model(padded)
    assert model.output_mask.tolist() == [[True] * 4 + [False] * 2, [True] * 6]
    short = layerwise.Sequential([rnn])(x[:1, :4])
    np.testing.assert_allclose(y[0, :4], short[0], rtol=1e-5)
    np.testing.assert_array_equal(y[0, 4:], 0.0)
    last = cls(3)
    last.build_for(x.shape)
    last.set_weights(rnn.get_weights())
    final = layerwise.Sequential([layers.Masking(), last])(padded)
    np.testing.assert_allclose(final[0], short[0, -1], rtol=1e-5)


@pytest.mark.parametrize("cls", RECURRENT)
def test_gradients_through_masked_steps(cls, float64, rng):
    ids = rng.integers(1, 7, size=(2, 6))
    ids[0, 3:] = 0
    model = layerwise.Sequential([layers.Embedding(7, 3, mask_zero=True),
                                  layers.Bidirectional(cls(3, return_sequences=True)),
                                  cls(2, go_backwards=True)])
    report = check_gradients(model, ids.astype("float64"))
    assert report.passed, f"\n{report}"


def test_mask_shape_is_checked(rng):
    with pytest.raises(ValueError, match="expected a mask of shape"):
        layers.LSTM(2)(rng.normal(size=(2, 5, 3)), mask=np.ones((2, 4), bool))


@pytest.mark.parametrize("cls", RECURRENT)
def test_stateful_halves_equal_the_whole_sequence(cls, rng):
    x = rng.normal(size=(2, 8, 3)).astype("float32")
    whole = cls(4, return_sequences=True)
    expected = whole(x)
    halves = cls(4, return_sequences=True, stateful=True)
    halves.build_for(x.shape)
    halves.set_weights(whole.get_weights())
    y = np.concatenate([halves(x[:, :4]), halves(x[:, 4:])], axis=1)
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="reset_states"):
        halves(x[:1, :4])
    halves.reset_states()
    np.testing.assert_allclose(halves(x[:, :4]), expected[:, :4], rtol=1e-6)


def test_lstm_return_state_values_and_gradients(float64, rng):
    layer = layers.LSTM(3, return_sequences=True, return_state=True)
    x = rng.normal(size=(2, 5, 4))
    output, h, c = layer(x)
    np.testing.assert_array_equal(h, output[:, -1])
    assert c.shape == (2, 3) and not np.allclose(c, h)
    dy, dh, dc = rng.normal(size=output.shape), rng.normal(size=h.shape), rng.normal(size=c.shape)
    dx = layer.backward([dy, dh, dc])
    dy_with_dh = dy.copy()
    dy_with_dh[:, -1] += dh
    layer(x)
    np.testing.assert_allclose(layer.backward([dy_with_dh, None, dc]), dx, rtol=1e-12)

    def objective():
        output, h, c = layer(x)
        return np.sum(dy * output) + np.sum(dh * h) + np.sum(dc * c)
    np.testing.assert_allclose(dx, _finite_difference(objective, x), rtol=1e-6, atol=1e-9)


def test_keras_defaults_and_weight_layouts():
    lstm, gru = layers.LSTM(2), layers.GRU(2, reset_after=False)
    lstm.build_for((None, 5, 3))
    gru.build_for((None, 5, 3))
    assert lstm.kernel.shape == (3, 8) and lstm.recurrent_kernel.shape == (2, 8)
    np.testing.assert_array_equal(lstm.bias.value, [0, 0, 1, 1, 0, 0, 0, 0])
    recurrent = lstm.recurrent_kernel.value.astype("float64")
    np.testing.assert_allclose(recurrent @ recurrent.T, np.eye(2), atol=1e-6)
    assert gru.bias.shape == (6,)
    assert layers.GRU(2).reset_after and lstm.activation.name == "tanh"
    assert lstm.recurrent_activation.name == "sigmoid"
    assert [p.name for p in lstm.weights] == ["lstm/kernel", "lstm/recurrent_kernel", "lstm/bias"]


def test_dropout_masks_are_per_sequence_and_only_in_training(rng):
    layer = layers.SimpleRNN(3, dropout=0.5, recurrent_dropout=0.5, seed=0, return_sequences=True)
    x = rng.normal(size=(4, 6, 5)).astype("float32")
    inference = layer(x)
    np.testing.assert_array_equal(inference, layer(x))
    layer(x, training=True)
    cell = layer.cell  # the cell keeps the call's masks and its (time, batch, features) inputs
    assert cell.input_keep.shape == (4, 5) and cell.recurrent_keep.shape == (4, 3)
    assert set(np.unique(cell.input_keep)) <= {0.0, 2.0}
    dropped = cell.input_keep == 0
    np.testing.assert_array_equal(cell.inputs[:, dropped], 0.0)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.LSTM(0), "units must be a positive integer"),
    (lambda: layers.GRU(3, dropout=1.0), "dropout must be in"),
    (lambda: layers.SimpleRNN(3, recurrent_dropout=-0.1), "recurrent_dropout must be in"),
    (lambda: layers.Bidirectional(layers.LSTM(3), merge_mode="max"), "merge_mode"),
    (lambda: layers.Bidirectional(layers.Dense(3)), "must be a recurrent layer"),
    (lambda: layers.Bidirectional(layers.LSTM(3, return_state=True)), "return_state"),
    (lambda: layers.Embedding(0, 3), "input_dim must be a positive integer"),
])
def test_invalid_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_rank_two_input_and_out_of_range_ids_are_rejected():
    with pytest.raises(ValueError, match="rank 3"):
        layers.LSTM(3)(np.zeros((2, 4)))
    with pytest.raises(ValueError, match=r"ids must lie in \[0, 5\)"):
        layers.Embedding(5, 2)(np.array([[1, 5]]))


def test_embedding_gradient_sums_repeated_ids():
    layer = layers.Embedding(4, 2)
    layer(np.array([[1, 1, 3]]))
    layer.backward(np.ones((1, 3, 2), "float32"))
    np.testing.assert_array_equal(layer.embeddings.grad, [[0, 0], [2, 2], [0, 0], [1, 1]])


def test_sequence_classifier_trains_in_a_sequential(rng):
    x = rng.normal(size=(64, 6, 2)).astype("float32")
    y = (x[:, :, 0].sum(axis=1) > 0).astype("float32")[:, None]
    model = layerwise.Sequential([layers.GRU(8), layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]



def test_clipnorm_bounds_every_recurrent_gradient_step(rng):
    """BPTT gradients go through the optimizers' clipnorm: each weight moves by at most lr * clipnorm,
    although the raw gradients of this badly scaled problem are far larger."""
    x = rng.normal(size=(8, 30, 3)).astype("float32") * 10
    y = rng.normal(size=(8, 1)).astype("float32") * 100

    def step_norms(clipnorm):
        layerwise.utils.set_random_seed(3)
        model = layerwise.Sequential([layerwise.Input(shape=(30, 3)), layers.LSTM(4), layers.Dense(1)])
        model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=1.0, clipnorm=clipnorm), loss="mse")
        before = model.get_weights()
        model.train_on_batch(x, y)
        return [np.linalg.norm(after - start) for after, start in zip(model.get_weights(), before)]

    assert max(step_norms(None)) > 5.0
    assert max(step_norms(0.5)) <= 0.5 + 1e-5


def test_recurrent_layers_join_functional_graphs_and_refuse_symbolic_masks(rng):
    inputs = layerwise.Input(shape=(6, 3))
    features = layers.Bidirectional(layers.GRU(4, return_sequences=True))(inputs)
    outputs = layers.Dense(2, activation="softmax")(layers.LSTM(5)(features))
    model = layerwise.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = rng.normal(size=(16, 6, 3)), rng.integers(0, 2, 16)
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < first
    with pytest.raises(ValueError, match="mask"):
        layers.LSTM(3)(inputs, mask=np.ones((1, 6), dtype=bool))
