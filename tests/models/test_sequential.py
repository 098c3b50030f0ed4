"""Sequential: building, weights, configs, summary, batched prediction, and model-level gradient checks
with every loss (the fused softmax + cross-entropy and sigmoid + binary cross-entropy paths included)."""

import numpy as np
import pytest

import layerwise
from layerwise.layers import Activation, Dense, Flatten, Input, Reshape
from layerwise.testing import check_gradients


def _mlp(output_units=3, output_activation="softmax", input_dim=4):
    return layerwise.Sequential([Input(shape=(input_dim,)), Dense(5, activation="tanh"),
                                 Dense(output_units, activation=output_activation)])


def _one_hot(rng, n, classes):
    return np.eye(classes)[rng.integers(0, classes, size=n)]


# id -> (output units, output activation, loss, targets(rng, n), whether training fuses the gradient)
GRADIENT_CASES = {
    "mse_linear": (2, None, "mse", lambda rng, n: rng.normal(size=(n, 2)), False),
    "mae_linear": (2, None, "mae", lambda rng, n: rng.normal(size=(n, 2)) + 5.0, False),
    "huber_linear": (2, None, layerwise.losses.Huber(delta=0.3), lambda rng, n: rng.normal(size=(n, 2)) * 2, False),
    "bce_sigmoid_fused": (1, "sigmoid", "binary_crossentropy",
                          lambda rng, n: rng.integers(0, 2, size=(n, 1)).astype(float), True),
    "bce_sigmoid_multilabel_smoothed": (3, "sigmoid", layerwise.losses.BinaryCrossentropy(label_smoothing=0.1),
                                        lambda rng, n: rng.integers(0, 2, size=(n, 3)).astype(float), True),
    "bce_from_logits": (1, None, layerwise.losses.BinaryCrossentropy(from_logits=True),
                        lambda rng, n: rng.integers(0, 2, size=(n, 1)).astype(float), False),
    "cce_softmax_fused": (3, "softmax", "categorical_crossentropy", lambda rng, n: _one_hot(rng, n, 3), True),
    "cce_softmax_smoothed": (3, "softmax", layerwise.losses.CategoricalCrossentropy(label_smoothing=0.2),
                             lambda rng, n: _one_hot(rng, n, 3), True),
    "cce_from_logits": (3, None, layerwise.losses.CategoricalCrossentropy(from_logits=True),
                        lambda rng, n: _one_hot(rng, n, 3), False),
    "sparse_cce_softmax_fused": (3, "softmax", "sparse_categorical_crossentropy",
                                 lambda rng, n: rng.integers(0, 3, size=n), True),
    "sparse_cce_from_logits": (3, None, layerwise.losses.SparseCategoricalCrossentropy(from_logits=True),
                               lambda rng, n: rng.integers(0, 3, size=n), False),
    "kld_softmax": (3, "softmax", "kl_divergence", lambda rng, n: rng.dirichlet(np.ones(3), size=n), False),
}


@pytest.mark.parametrize("case", list(GRADIENT_CASES))
def test_model_gradients_with_every_loss(case, float64, rng):
    units, activation, loss, targets, fused = GRADIENT_CASES[case]
    model = _mlp(units, activation)
    model.compile(optimizer="sgd", loss=loss)
    assert model.fuses_loss_gradient is fused
    x = rng.normal(size=(6, 4))
    report = check_gradients(model, x, targets(rng, 6))
    assert report.passed, f"\n{report}"
    names = {row[1] for row in report.rows}
    assert names == {"input"} | {p.name for p in model.trainable_weights}


@pytest.mark.parametrize("activation, loss, targets", [
    ("sigmoid", "binary_crossentropy", lambda rng: rng.integers(0, 2, size=(6, 2)).astype(float)),
    ("softmax", "categorical_crossentropy", lambda rng: _one_hot(rng, 6, 2)),
])
def test_fused_and_chain_rule_paths_give_the_same_parameter_gradients(activation, loss, targets, float64, rng):
    """An Activation('linear') after the output activation turns fusion off; the gradients must not change.

    Both models share the same layers; a zero learning rate keeps the weights where they are."""
    x, y = rng.normal(size=(6, 4)), targets(rng)
    fused = _mlp(2, activation)
    chained = layerwise.Sequential([Input(shape=(4,)), *fused.layers, Activation("linear")])
    gradients = []
    for model in (fused, chained):
        model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.0), loss=loss)
        assert check_gradients(model, x, y).passed
        model.train_on_batch(x, y)
        gradients.append([p.grad.copy() for p in model.trainable_weights])
    assert fused.fuses_loss_gradient and not chained.fuses_loss_gradient
    for a, b in zip(*gradients):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-15)


def test_gradient_check_of_a_deeper_model_with_reshape_and_flatten(float64, rng):
    model = layerwise.Sequential([Input(shape=(2, 3)), Flatten(), Dense(4, activation="elu"), Reshape((2, 2)),
                                  Flatten(), Activation("sigmoid"), Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    assert check_gradients(model, rng.normal(size=(3, 2, 3)), _one_hot(rng, 3, 2)).passed


def test_a_wrong_gradient_is_caught(float64, rng, monkeypatch):
    """The checker is not vacuous: a backward pass that drops the first layer's bias gradient fails it."""
    model = _mlp()
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    first = model.layers[0]
    original = type(first).backward_preactivation

    def drops_the_bias_gradient(self, dz):
        dx = original(self, dz)
        if self.bias is first.bias:
            self.bias.grad.fill(0)
        return dx
    monkeypatch.setattr(type(first), "backward_preactivation", drops_the_bias_gradient)
    report = check_gradients(model, rng.normal(size=(4, 4)), _one_hot(rng, 4, 3))
    assert not report.passed
    assert [row[1] for row in report.rows if not row[-1]] == ["dense/bias", "dense/bias"]


def test_constructor_list_and_add_build_the_same_model(rng):
    layerwise.utils.set_random_seed(1)
    listed = layerwise.Sequential([Input(shape=(4,)), Dense(3)])
    layerwise.utils.set_random_seed(1)
    added = layerwise.Sequential()
    added.add(Input(shape=(4,)))
    added.add(Dense(3))
    for a, b in zip(listed.get_weights(), added.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_a_model_without_input_builds_on_first_data(rng):
    model = layerwise.Sequential([Dense(3), Dense(2)])
    assert not model.built
    assert model.predict(rng.normal(size=(5, 7)), verbose=0).shape == (5, 2)
    assert model.built and model.input_shape == (None, 7)
    with pytest.raises(ValueError, match=r"expected input of shape \(None, 7\), received \(None, 8\)"):
        model.predict(np.zeros((1, 8)), verbose=0)


def test_building_errors():
    with pytest.raises(TypeError, match=r"add: expected a Layer, received str"):
        layerwise.Sequential(["dense"])
    with pytest.raises(ValueError, match="an Input can only come first"):
        layerwise.Sequential([Dense(2, input_dim=3), Input(shape=(3,))])
    with pytest.raises(ValueError, match="the model has no layers"):
        layerwise.Sequential().build((None, 3))
    with pytest.raises(ValueError, match="summary: the model is not built"):
        layerwise.Sequential([Dense(2)]).summary()


def test_summary_lists_names_shapes_and_counts():
    model = layerwise.Sequential([Input(shape=(28, 28)), Flatten(), Dense(500, activation="relu", name="hidden"),
                                  Dense(10, activation="softmax")], name="mnist_mlp")
    lines = []
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert 'Model: "mnist_mlp"' in text
    rows = {line.split()[0]: line.split() for line in text.splitlines() if "(" in line and ")" in line}
    assert rows["flatten"][1:] == ["(Flatten)", "(None,", "784)", "0"]
    assert rows["hidden"][1:] == ["(Dense)", "(None,", "500)", "392,500"]
    assert rows["dense"][1:] == ["(Dense)", "(None,", "10)", "5,010"]
    assert "Total params: 397,510" in text and "Trainable params: 397,510" in text
    assert "Non-trainable params: 0" in text
    assert text.index("flatten") < text.index("hidden") < text.index("dense (Dense)")


def test_summary_counts_frozen_layers_as_non_trainable():
    frozen = Dense(4, trainable=False)
    model = layerwise.Sequential([Input(shape=(3,)), frozen, Dense(2)])
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 10" in lines[0] and "Non-trainable params: 16" in lines[0]
    assert model.trainable_weights == model.layers[1].weights


def test_get_and_set_weights_in_keras_order_and_shapes(rng):
    model = _mlp()
    assert [w.shape for w in model.get_weights()] == [(4, 5), (5,), (5, 3), (3,)]
    new = [rng.normal(size=w.shape) for w in model.get_weights()]
    model.set_weights(new)
    for a, b in zip(model.get_weights(), new):
        np.testing.assert_array_equal(a, b.astype(np.float32))
    with pytest.raises(ValueError, match=r"set_weights: expected 4 arrays, received 3"):
        model.set_weights(new[:3])


def test_config_round_trip_rebuilds_the_same_function(rng):
    model = layerwise.Sequential([Input(shape=(2, 3)), Flatten(), Dense(4, activation="relu"),
                                  Dense(2, activation="softmax")])
    clone = layerwise.Sequential.from_config(model.get_config())
    clone.set_weights(model.get_weights())
    x = rng.normal(size=(5, 2, 3))
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    assert clone.get_config() == model.get_config()


@pytest.mark.parametrize("batch_size", [1, 7, 32, 100])
def test_predict_in_batches_equals_one_big_batch(batch_size, rng):
    model = _mlp()
    x = rng.normal(size=(50, 4))
    whole = model.predict_on_batch(x)
    np.testing.assert_allclose(model.predict(x, batch_size=batch_size, verbose=0), whole, rtol=1e-6, atol=1e-7)
    np.testing.assert_array_equal(model.predict_on_batch(x), model(x.astype(np.float32)))
