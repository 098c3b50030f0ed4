"""The functional API: graphs with branches, merges and shared layers, trained by the one Trainer loop."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.ops import conv as conv_ops
from layerwise.testing import check_gradients


def _branching_model():
    """h is used twice (a residual shortcut) and the Dense `shared` is called at two places."""
    x = layerwise.Input(shape=(4,))
    h = layers.Dense(4, activation="tanh")(x)
    shared = layers.Dense(4, activation="tanh", name="shared")
    h = layers.Add()([h, shared(h)])
    h = shared(layers.BatchNormalization(gamma_initializer="random_normal")(h))
    y = layers.Dense(3, activation="softmax")(layers.Concatenate()([h, x]))
    return layerwise.Model(x, y)


def test_gradients_through_a_tensor_used_twice_and_a_reused_layer(float64, rng):
    model = _branching_model()
    report = check_gradients(model, rng.normal(size=(6, 4)), modes=("inference", "training"))
    assert report.passed, f"\n{report}"
    assert {"input", "shared/kernel", "shared/bias"} <= {row[1] for row in report.rows}


@pytest.mark.parametrize("columns", ["kept", "gathered again"])
def test_gradients_through_a_convolution_called_at_two_nodes(columns, float64, rng, monkeypatch):
    """Each call of a shared Conv2D keeps its own im2col columns (or gathers them again in backward)."""
    if columns == "gathered again":
        monkeypatch.setattr(conv_ops, "MEMORY_BUDGET_BYTES", 0)
        monkeypatch.setattr(conv_ops, "CACHE_CHUNK_BYTES", 1)
    x = layerwise.Input(shape=(5, 5, 2))
    shared = layers.Conv2D(2, 3, padding="same", activation="tanh", name="shared")
    y = layers.Flatten()(shared(layers.Conv2D(2, 3, padding="same")(shared(x))))
    report = check_gradients(layerwise.Model(x, y), rng.normal(size=(3, 5, 5, 2)))
    assert report.passed, f"\n{report}"


def test_gradients_through_the_compiled_loss_with_the_fused_softmax_gradient(float64, rng):
    model = _branching_model()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    assert model.fuses_loss_gradient
    y = np.eye(3)[rng.integers(0, 3, size=6)]
    assert check_gradients(model, rng.normal(size=(6, 4)), y=y).passed


def test_a_shared_layer_owns_its_weights_once_and_sums_its_gradients(float64, rng):
    x = layerwise.Input(shape=(3,))
    shared = layers.Dense(3, use_bias=False)
    model = layerwise.Model(x, shared(shared(x)))
    assert model.weights == [shared.kernel] and model.count_params() == 9
    data, dy = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    w = torch.tensor(shared.kernel.value, requires_grad=True)
    xt = torch.tensor(data, requires_grad=True)
    (xt @ w @ w).backward(torch.tensor(dy))
    model.call(data, training=True)
    dx = model.backward(dy)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(shared.kernel.grad, w.grad.numpy(), rtol=1e-12)


def test_batch_norm_shared_at_two_nodes_keeps_each_call_s_batch_statistics(float64, rng):
    x = layerwise.Input(shape=(3,))
    norm = layers.BatchNormalization(gamma_initializer="random_normal")
    h = norm(layers.Dense(3, activation="tanh")(x))
    model = layerwise.Model(x, layers.Multiply()([h, norm(layers.Dense(3)(x))]))
    report = check_gradients(model, rng.normal(size=(5, 3)), modes=("training", "inference"))
    assert report.passed, f"\n{report}"


def test_activity_penalty_of_a_shared_layer_counts_at_each_call(float64, rng):
    x = layerwise.Input(shape=(3,))
    shared = layers.Dense(3, activation="tanh", activity_regularizer="l2")
    model = layerwise.Model(x, shared(shared(x)))
    data = rng.normal(size=(4, 3))
    model.call(data, training=True)
    first = np.tanh(data @ shared.kernel.value + shared.bias.value)
    second = np.tanh(first @ shared.kernel.value + shared.bias.value)
    penalty = layerwise.regularizers.get("l2")
    np.testing.assert_allclose(model.activity_penalty, penalty(first) + penalty(second), rtol=1e-12)
    report = check_gradients(model, data, modes=("training",))
    assert report.passed, f"\n{report}"


def test_an_input_no_output_depends_on_gets_a_zero_gradient(rng):
    a, b = layerwise.Input(shape=(2,)), layerwise.Input(shape=(3,))
    model = layerwise.Model([a, b], layers.Dense(1)(a))
    model.call([np.ones((4, 2)), np.ones((4, 3))])
    da, db = model.backward(np.ones((4, 1), dtype="float32"))
    assert da.shape == (4, 2) and db.shape == (4, 3) and not db.any()


def test_several_inputs_and_outputs(float64, rng):
    a, b = layerwise.Input(shape=(3,)), layerwise.Input(shape=(2,))
    joined = layers.Concatenate()([a, layers.Dense(3)(b)])
    first = layers.Dense(2, activation="sigmoid")(joined)
    second = layers.Multiply()([layers.Dense(3)(joined), a])
    model = layerwise.Model([a, b], [first, second])
    out = model.call([rng.normal(size=(4, 3)), rng.normal(size=(4, 2))])
    assert [o.shape for o in out] == [(4, 2), (4, 3)]
    assert model.compute_output_shape([(None, 3), (None, 2)]) == [(None, 2), (None, 3)]
    report = check_gradients(model, [rng.normal(size=(4, 3)), rng.normal(size=(4, 2))])
    assert report.passed, f"\n{report}"
    assert {"input_0", "input_1"} <= {row[1] for row in report.rows}


def test_training_backward_skips_what_no_weight_needs_and_gets_the_same_gradients(float64, rng):
    x = layerwise.Input(shape=(2, 3))
    flat = layers.Activation("tanh")(layers.Flatten()(x))
    h = layers.Dense(4)(flat)
    model = layerwise.Model(x, layers.Dense(2)(layers.Concatenate()([h, flat])))
    data, dy = rng.normal(size=(5, 2, 3)), rng.normal(size=(5, 2))
    gradients = []
    for input_gradient in (True, False):
        for p in model.weights:
            p.grad[...] = 0
        model(data, training=True, input_gradient=input_gradient)
        dx = model.backward(dy)
        assert (dx is None) == (not input_gradient)
        gradients.append([p.grad.copy() for p in model.weights])
    for full, skipped in zip(*gradients, strict=True):
        np.testing.assert_array_equal(full, skipped)


def test_fit_two_inputs_two_outputs_with_a_loss_per_output(rng):
    a, b = layerwise.Input(shape=(3,)), layerwise.Input(shape=(2,))
    h = layers.Dense(16, activation="tanh")(layers.Concatenate()([a, b]))
    label = layers.Dense(2, activation="softmax")(h)
    value = layers.Dense(1)(h)
    model = layerwise.Model([a, b], [label, value])
    model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss=["sparse_categorical_crossentropy", "mse"])
    xa, xb = rng.normal(size=(200, 3)).astype("float32"), rng.normal(size=(200, 2)).astype("float32")
    classes, targets = (xa[:, 0] > 0).astype(int), xb.sum(axis=1)
    before = model.evaluate([xa, xb], [classes, targets], verbose=0)
    history = model.fit([xa, xb], [classes, targets], batch_size=20, epochs=15, verbose=0, validation_split=0.2)
    after = model.evaluate([xa, xb], [classes, targets], verbose=0)
    assert after < 0.3 * before and "val_loss" in history.history
    probabilities, values = model.predict([xa, xb], batch_size=64, verbose=0)
    assert probabilities.shape == (200, 2) and values.shape == (200, 1)
    assert np.mean(probabilities.argmax(axis=1) == classes) > 0.9
    expected = (layerwise.losses.get("sparse_categorical_crossentropy")(classes, probabilities)
                + layerwise.losses.get("mse")(targets[:, None], values))
    np.testing.assert_allclose(after, expected, rtol=1e-4)


def test_one_loss_applies_to_every_output_and_compile_errors_are_named(rng):
    x = layerwise.Input(shape=(2,))
    model = layerwise.Model(x, [layers.Dense(1)(x), layers.Dense(1)(x)])
    model.compile(optimizer="sgd", loss="mse")
    data, target = rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    first, second = model.predict(data, verbose=0)
    loss = model.train_on_batch(data, [target, target])
    np.testing.assert_allclose(loss, np.mean((first - target) ** 2) + np.mean((second - target) ** 2), rtol=1e-5)
    with pytest.raises(ValueError, match="one loss per output \\(2\\)"):
        model.compile(optimizer="sgd", loss=["mse"])
    with pytest.raises(ValueError, match="one list of metrics per output \\(2\\), received 3"):
        model.compile(optimizer="sgd", loss="mse", metrics=[["mae"], [], []])
    with pytest.raises(ValueError, match="share one number of samples"):
        model.train_on_batch(data, [target, target[:4]])


def _two_heads():
    x = layerwise.Input(shape=(2,))
    return layerwise.Model(x, [layers.Dense(1, name="main")(x), layers.Dense(1, name="aux")(x)])


def test_loss_weights_weigh_each_outputs_loss_and_its_gradient(rng, tmp_path):
    data, first, second = rng.normal(size=(8, 2)), rng.normal(size=(8, 1)), rng.normal(size=(8, 1))
    gradients = {}
    for weights in (None, [1.0, 0.3], {"aux": 0.3}):
        layerwise.utils.set_random_seed(0)
        model = _two_heads()
        model.compile(optimizer="sgd", loss=["mse", "mae"], loss_weights=weights)
        main, aux = model.predict(data, verbose=0)
        expected = np.mean((main - first) ** 2) + (0.3 if weights else 1.0) * np.mean(np.abs(aux - second))
        np.testing.assert_allclose(model.evaluate(data, [first, second], verbose=0), expected, rtol=1e-5)
        model.train_on_batch(data, [first, second])
        gradients[str(weights)] = [p.grad.copy() for p in model.get_layer("aux").weights]
    # J = J_main + w J_aux: the aux head's gradient scales by w exactly; the dict and the list say the same.
    for unweighted, weighted in zip(gradients["None"], gradients["[1.0, 0.3]"], strict=True):
        np.testing.assert_allclose(weighted, 0.3 * unweighted, rtol=1e-5)
    for listed, named in zip(gradients["[1.0, 0.3]"], gradients["{'aux': 0.3}"], strict=True):
        np.testing.assert_array_equal(listed, named)
    model.save(tmp_path / "two.layerwise")
    loaded = layerwise.models.load_model(tmp_path / "two.layerwise")
    np.testing.assert_allclose(loaded.evaluate(data, [first, second], verbose=0),
                               model.evaluate(data, [first, second], verbose=0), rtol=1e-6)


@pytest.mark.parametrize("weights, message", [
    ([1.0], "loss_weights must be 2 finite numbers, one per output"),
    ([1.0, float("nan")], "2 finite numbers"),
    ([1.0, True], "2 finite numbers"),
    ({"head": 0.5}, "loss_weights names \\['head'\\], which are not outputs; the outputs are \\['main', 'aux'\\]"),
])
def test_bad_loss_weights_are_refused(weights, message):
    with pytest.raises(ValueError, match=message):
        _two_heads().compile(optimizer="sgd", loss="mse", loss_weights=weights)


def test_loss_weights_need_several_outputs():
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="loss_weights weigh the losses of several outputs"):
        model.compile(optimizer="sgd", loss="mse", loss_weights=[2.0])


def test_model_matches_sequential_in_training():
    def stack():
        return [layers.Dense(8, activation="relu", kernel_initializer="he_normal"),
                layers.BatchNormalization(), layers.Dense(3, activation="softmax")]
    data = np.random.default_rng(0).normal(size=(32, 5)).astype("float32")
    labels = np.eye(3, dtype="float32")[np.random.default_rng(1).integers(0, 3, 32)]
    sequential = layerwise.Sequential([layerwise.Input(shape=(5,))] + stack())
    x = layerwise.Input(shape=(5,))
    y = x
    for layer in stack():
        y = layer(y)
    functional = layerwise.Model(x, y)
    functional.set_weights(sequential.get_weights())
    for model in (sequential, functional):
        model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="categorical_crossentropy")
        model.fit(data, labels, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for mine, theirs in zip(functional.get_weights(), sequential.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_fit_lowers_the_loss_of_a_residual_graph(rng):
    data = rng.normal(size=(256, 6)).astype("float32")
    labels = (data[:, :3].sum(axis=1) > 0).astype("float32")
    x = layerwise.Input(shape=(6,))
    h = layers.Dense(16, activation="relu")(x)
    h = layers.Add()([h, layers.Dense(16, activation="relu")(h)])
    model = layerwise.Model(x, layers.Dense(1, activation="sigmoid")(h))
    model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(data, labels, epochs=8, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert model.evaluate(data, labels, verbose=0)[1] > 0.9


def test_summary_shows_connections():
    lines = []
    _branching_model().summary(print_fn=lines.append)
    text = lines[0]
    assert "Connected to" in text
    assert "shared (Dense)" in text and "dense[0][0], batch_normalization[0][0]" in text
    assert "add[0][0]" in text and "input_layer[0][0]" in text


def test_config_round_trip_rebuilds_the_graph(rng):
    model = _branching_model()
    data = rng.normal(size=(3, 4)).astype("float32")
    config = model.get_config()
    clone = layerwise.Model.from_config(config)
    assert clone.get_config() == config
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(data, verbose=0), model.predict(data, verbose=0))


def test_graph_errors_are_named():
    x, other = layerwise.Input(shape=(4,)), layerwise.Input(shape=(4,))
    y = layers.Add()([x, other])
    with pytest.raises(ValueError, match="depend on input 'input_layer_1'"):
        layerwise.Model(x, y)
    with pytest.raises(TypeError, match="symbolic tensors"):
        layerwise.Model(x, np.zeros(3))
    model = layerwise.Model([x, other], y)
    with pytest.raises(ValueError, match="expects 2 input arrays, received 1"):
        model.call([np.zeros((1, 4))])
    with pytest.raises(ValueError, match=r"add_1.*\(None, 4\), \(None, 5\)"):
        layers.Add()([x, layerwise.Input(shape=(5,))])
    with pytest.raises(ValueError, match=r"dense.*expected input of shape \(None, 4\), received .*\(None, 3\)"):
        dense = layers.Dense(2)
        dense(x)
        dense(layerwise.Input(shape=(3,)))
