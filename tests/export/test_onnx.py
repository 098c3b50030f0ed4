"""ONNX export: every layer of the layer table, every activation, matches predict under onnxruntime."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest

import layerwise
from layerwise import activations
from layerwise.errors import ExportError
from layerwise.export import DEFAULT_OPSET, onnx_exporter, to_onnx
from layerwise.layers import Activation, Dense, Flatten, Layer, Maxout, PReLU, Reshape, StochasticPooling2D

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "saving"))
from saving_helpers import layer_cases  # noqa: E402

CASES = layer_cases()
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _run(model, x, path, opset=DEFAULT_OPSET):
    to_onnx(model, path, opset=opset)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": x})[0]


def _assert_matches(model, x, path, **kwargs):
    expected = model.predict(x)
    actual = _run(model, x, path, **kwargs)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


# Rows whose export must be refused, with the reason the error has to give.
REFUSED = {
    "drop_connect_gaussian": r"\(DropConnect\) uses inference='gaussian'.*random draws",
    "drop_connect_gaussian_relu_no_bias": r"\(DropConnect\) uses inference='gaussian'.*random draws",
    # A Lambda's function is Python code; ONNX would need it traced into a graph.
    "lambda_ops_function": r"\(Lambda\) has no ONNX exporter",
    "lambda_arguments_output_shape": r"\(Lambda\) has no ONNX exporter",
}


def test_refused_rows_are_rows_of_the_table():
    assert set(REFUSED) <= {case.id for case in CASES}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_layer_matches_onnxruntime(case, tmp_path, rng):
    layer = case.factory()
    model = layerwise.Sequential([layerwise.Input(shape=case.input_shape[1:]), layer])
    if case.id in REFUSED:
        with pytest.raises(ExportError, match=f"layer '{layer.name}' {REFUSED[case.id]}"):
            to_onnx(model, tmp_path / "m.onnx")
        assert not (tmp_path / "m.onnx").exists()
        return
    _assert_matches(model, case.sample(rng, "float32"), tmp_path / "m.onnx")


NAMES = sorted(activations._TABLE)
# Arguments that move an activation off its defaults, so the exporter is seen to read them.
ARGUMENTS = {"threshold": {"threshold": 0.3, "default_value": -2.0}, "gelu": {"approximate": True},
             "celu": {"alpha": 0.5}, "soft_shrink": {"threshold": 0.7}, "squareplus": {"b": 2.0}}


@pytest.mark.parametrize("name", NAMES)
def test_every_activation_function_matches(name, tmp_path, rng):
    activation = activations.get(name, **ARGUMENTS.get(name, {}))
    # glu halves its input, so it is a layer of its own, never a Dense layer's element-wise activation.
    model = layerwise.Sequential([layerwise.Input(shape=(7,)), Dense(6), Activation(activation)] if name == "glu"
                                 else [layerwise.Input(shape=(7,)), Dense(5, activation=activation)])
    _assert_matches(model, rng.normal(size=(4, 7)).astype("float32") * 2, tmp_path / "m.onnx")
    if name in ARGUMENTS:
        _assert_matches(layerwise.Sequential([layerwise.Input(shape=(7,)), Dense(5, activation=name)]),
                        rng.normal(size=(4, 7)).astype("float32") * 2, tmp_path / "default.onnx")


def test_a_deeper_model_with_a_dynamic_batch_and_opset_13(tmp_path, rng):
    model = layerwise.Sequential([layerwise.Input(shape=(2, 3, 4)), Flatten(), Dense(16, activation="elu"),
                                  PReLU(alpha_initializer="random_uniform"), Reshape((4, 4)),
                                  Activation("softmax"), Flatten(), Dense(3, activation="sigmoid")])
    for batch in (1, 9):
        _assert_matches(model, rng.normal(size=(batch, 2, 3, 4)).astype("float32"), tmp_path / "m.onnx",
                        opset=13)
    assert onnx.load(tmp_path / "m.onnx").opset_import[0].version == 13


@pytest.mark.parametrize("opset", [13, 18, 23])
def test_reductions_in_every_opset_form_and_a_zero_pooling_window(opset, tmp_path, rng):
    # Opset 18 moved ReduceMax's axes from an attribute to an input; a zero window pools to 0, not 0/0.
    model = layerwise.Sequential([layerwise.Input(shape=(4, 5, 6)), StochasticPooling2D((2, 2)),
                                  Maxout(3)])
    x = rng.uniform(0.1, 2.0, size=(2, 4, 5, 6)).astype("float32")
    x[0, :2, :2] = 0.0
    assert model.predict(x)[0, 0, 0].min() == 0.0
    _assert_matches(model, x, tmp_path / "m.onnx", opset=opset)


def test_float64_models_export_in_float64(tmp_path, rng, float64):
    model = layerwise.Sequential([layerwise.Input(shape=(5,)), Dense(4, activation="tanh"),
                                  Dense(3, activation="softmax")])
    _assert_matches(model, rng.normal(size=(6, 5)), tmp_path / "m.onnx")


def test_a_layer_without_an_exporter_is_named(tmp_path):
    class Mystery(Layer):
        def forward(self, x, training=False):
            return x

    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(2), Mystery(name="mystery")])
    with pytest.raises(ExportError, match=r"layer 'mystery' \(Mystery\) has no ONNX exporter"):
        to_onnx(model, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_registering_an_exporter_for_a_new_layer(tmp_path):
    class Double(Layer):
        def forward(self, x, training=False):
            return 2 * x

    onnx_exporter(Double)(lambda layer, graph, x: graph.node("Add", [x, x], hint=layer.name))
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Double()])
    _assert_matches(model, np.arange(6, dtype="float32").reshape(2, 3), tmp_path / "m.onnx")


def test_bad_opset_and_unbuilt_model():
    with pytest.raises(ValueError, match="opset must be an integer from 13"):
        to_onnx(layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(2)]), opset=11)
    with pytest.raises(ValueError, match="not built"):
        to_onnx(layerwise.Sequential([Dense(2)]))


def test_importing_layerwise_does_not_import_onnx():
    code = "import sys, layerwise, layerwise.export; print('onnx' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": SRC}, check=True)
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("layers, reason", [
    ([layerwise.layers.Masking(name="pad"), layerwise.layers.LSTM(3, name="rnn")],
     r"'rnn' \(LSTM\) receives the step mask of layer 'pad'"),
    ([layerwise.layers.Embedding(7, 4, mask_zero=True, name="pad"), layerwise.layers.GRU(3, name="rnn")],
     r"'rnn' \(GRU\) receives the step mask of layer 'pad'"),
    ([layerwise.layers.SimpleRNN(3, stateful=True, name="rnn")], r"'rnn' \(SimpleRNN\) is stateful"),
    ([layerwise.layers.GRU(3, activation="selu", name="rnn")], r"'rnn' \(GRU\) uses the activation 'selu'"),
], ids=["masking_lstm", "embedding_mask_zero_gru", "stateful", "activation"])
def test_recurrent_layers_refuse_what_onnx_operators_cannot_express(layers, reason, tmp_path):
    shape = (5,) if isinstance(layers[0], layerwise.layers.Embedding) else (5, 4)
    model = layerwise.Sequential([layerwise.Input(shape=shape), *layers])
    with pytest.raises(ExportError, match=reason):
        to_onnx(model, tmp_path / "m.onnx")


def test_recurrent_stack_with_a_dynamic_batch(tmp_path, rng):
    model = layerwise.Sequential([layerwise.Input(shape=(6,)), layerwise.layers.Embedding(9, 4),
                                  layerwise.layers.Bidirectional(layerwise.layers.GRU(3, return_sequences=True)),
                                  layerwise.layers.LSTM(2, go_backwards=True), Dense(2)])
    for batch in (1, 5):
        _assert_matches(model, rng.integers(0, 9, (batch, 6)).astype("float32"), tmp_path / "m.onnx")


def test_spatial_layers_built_for_variable_sizes_are_refused(tmp_path):
    model = layerwise.Sequential([layerwise.Input(shape=(None, None, 3)),
                                  layerwise.layers.Conv2D(4, 3, padding="same", name="conv"),
                                  layerwise.layers.GlobalMaxPooling2D()])
    with pytest.raises(ExportError, match=r"'conv' \(Conv2D\) was built for inputs of variable spatial size"):
        to_onnx(model, tmp_path / "m.onnx")


def test_a_small_resnet_matches(tmp_path, rng):
    from layerwise.layers import (Add, BatchNormalization, Conv2D, GlobalAveragePooling2D, MaxPooling2D, ReLU)
    from layerwise.models import Model

    def block(x, filters, strides):
        y = Conv2D(filters, 3, strides=strides, padding="same", use_bias=False)(x)
        y = ReLU()(BatchNormalization()(y))
        y = BatchNormalization()(Conv2D(filters, 3, padding="same", use_bias=False)(y))
        shortcut = x if strides == 1 else Conv2D(filters, 1, strides=strides)(x)
        return ReLU()(Add()([y, shortcut]))

    inputs = layerwise.Input(shape=(12, 12, 3))
    x = MaxPooling2D(2, strides=1, padding="same")(ReLU()(Conv2D(8, 3, padding="same")(inputs)))
    x = block(block(x, 8, 1), 16, 2)
    model = Model(inputs, Dense(4, activation="softmax")(GlobalAveragePooling2D()(x)))
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = rng.normal(size=(6, 12, 12, 3)).astype("float32")
    model.fit(x, np.eye(4, dtype="float32")[rng.integers(0, 4, 6)], epochs=1, batch_size=3, verbose=0)
    _assert_matches(model, x, tmp_path / "m.onnx")


def test_layers_named_like_the_graph_input_or_generated_tensors(tmp_path, rng):
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, name="input"), Dense(4, name="matmul_1"),
                                  Dense(2, name="add")])
    _assert_matches(model, rng.normal(size=(2, 3)).astype("float32"), tmp_path / "m.onnx")
