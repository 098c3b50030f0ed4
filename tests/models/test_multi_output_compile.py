"""A model of several outputs compiled as Keras allows: losses and metrics per output, as lists or dicts keyed
by the output layers' names; each output's metrics read that output, logged as "<output>_<metric>"."""

import numpy as np
import pytest

import layerwise
from layerwise import layers, losses, metrics


def _two_heads():
    x = layerwise.Input(shape=(3,))
    hidden = layers.Dense(4, activation="tanh")(x)
    return layerwise.Model(x, [layers.Dense(3, activation="softmax", name="kind")(hidden),
                               layers.Dense(1, name="size")(hidden)])


def _data(rng, n=20):
    return rng.normal(size=(n, 3)), rng.integers(0, 3, size=n), rng.normal(size=(n, 1))


def test_losses_and_metrics_keyed_by_output_name(rng):
    x, kind, size = _data(rng)
    model = _two_heads()
    model.compile(optimizer="sgd", loss={"size": "mse", "kind": "sparse_categorical_crossentropy"},
                  metrics={"kind": ["accuracy", metrics.SparseTopKCategoricalAccuracy(k=2, name="top2")],
                           "size": "mae"})
    logs = model.evaluate(x, [kind, size], verbose=0, return_dict=True)
    assert list(logs) == ["loss", "kind_accuracy", "top2", "size_mae"] == model.metrics_names
    p_kind, p_size = model.predict(x, verbose=0)
    expected_loss = losses.SparseCategoricalCrossentropy()(kind, p_kind) + losses.MeanSquaredError()(size, p_size)
    assert logs["loss"] == pytest.approx(expected_loss, rel=1e-5)
    assert logs["kind_accuracy"] == pytest.approx(np.mean(p_kind.argmax(1) == kind))
    assert logs["size_mae"] == pytest.approx(np.mean(np.abs(p_size - size)), rel=1e-5)
    history = model.fit(x, [kind, size], epochs=2, verbose=0, validation_data=(x, [kind, size]))
    assert {"kind_accuracy", "val_size_mae"} <= set(history.history)


def test_a_list_of_lists_and_one_list_for_every_output(rng):
    x, kind, size = _data(rng)
    model = _two_heads()
    model.compile(optimizer="sgd", loss=["sparse_categorical_crossentropy", "mse"], metrics=[["accuracy"], ["mse"]])
    assert list(model.evaluate(x, [kind, size], verbose=0, return_dict=True)) == ["loss", "kind_accuracy", "size_mse"]
    shared = metrics.MeanAbsoluteError(name="mae")
    model.compile(optimizer="sgd", loss=["mse", "mse"], metrics=[shared])
    onehot = np.eye(3)[kind]
    logs = model.evaluate(x, [onehot, size], verbose=0, return_dict=True)
    p_kind, p_size = model.predict(x, verbose=0)
    # One Metric object given for every output: each output builds its own from its config.
    assert list(logs) == ["loss", "kind_mae", "size_mae"] and shared not in model.metrics and shared.name == "mae"
    assert logs["kind_mae"] == pytest.approx(np.mean(np.abs(p_kind - onehot)), rel=1e-5)
    assert logs["size_mae"] == pytest.approx(np.mean(np.abs(p_size - size)), rel=1e-5)


def test_compile_errors_name_the_outputs():
    model = _two_heads()
    with pytest.raises(ValueError, match=r"loss names \['shape'\], which are not outputs; the outputs are "
                                         r"\['kind', 'size'\]"):
        model.compile(optimizer="sgd", loss={"kind": "mse", "shape": "mse"})
    with pytest.raises(ValueError, match="give one loss per output"):
        model.compile(optimizer="sgd", loss={"kind": "mse"})
    with pytest.raises(ValueError, match="Unknown metric 'acuracy'"):
        model.compile(optimizer="sgd", loss="mse", metrics={"kind": ["acuracy"]})


def test_a_saved_multi_output_model_keeps_its_metrics(rng, tmp_path):
    x, kind, size = _data(rng)
    model = _two_heads()
    model.compile(optimizer="sgd", loss={"kind": "sparse_categorical_crossentropy", "size": "mse"},
                  metrics={"kind": "accuracy", "size": ["mae", metrics.RootMeanSquaredError()]})
    model.fit(x, [kind, size], epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = layerwise.models.load_model(tmp_path / "m.keras")
    assert loaded.evaluate(x, [kind, size], verbose=0, return_dict=True) == pytest.approx(
        model.evaluate(x, [kind, size], verbose=0, return_dict=True), rel=1e-6)
