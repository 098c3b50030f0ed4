"""ONNX export of the attention layers (self-attention and attention over a projection, in single-input models:
`to_onnx` exports one input) agrees with predict under onnxruntime."""

import numpy as np
import onnxruntime
import pytest

import layerwise
from layerwise import layers
from layerwise.errors import ExportError
from layerwise.export import to_onnx

MAKERS = {
    "attention_dot": lambda: layers.Attention(),
    "attention_scaled": lambda: layers.Attention(use_scale=True, dropout=0.3),
    "attention_concat_scaled": lambda: layers.Attention(use_scale=True, score_mode="concat"),
    "additive_attention": lambda: layers.AdditiveAttention(),
    "additive_attention_no_scale": lambda: layers.AdditiveAttention(use_scale=False),
    "multi_head_attention": lambda: layers.MultiHeadAttention(2, 3, bias_initializer="random_normal", dropout=0.2),
    "multi_head_attention_output_shape_no_bias": lambda: layers.MultiHeadAttention(
        3, 2, value_dim=4, output_shape=(2, 3), use_bias=False),
    "group_query_attention": lambda: layers.GroupQueryAttention(3, 4, 2, bias_initializer="random_normal"),
    "group_query_attention_multi_query": lambda: layers.GroupQueryAttention(2, 3, 1),
}


def _assert_matches(model, x, path):
    to_onnx(model, path)
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    actual, expected = session.run(None, {"input": x})[0], model.predict(x, verbose=0)
    assert actual.shape == expected.shape and actual.dtype == expected.dtype
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("with_key", [False, True], ids=["value_as_key", "key"])
@pytest.mark.parametrize("name", list(MAKERS))
def test_attention_over_a_projection_matches_onnxruntime(name, with_key, tmp_path, rng):
    x = layerwise.Input(shape=(5, 4))
    query = layers.Dense(4, bias_initializer="random_normal")(layers.Cropping1D((0, 2))(x))
    inputs = [query, x] + ([layers.Dense(4)(x)] if with_key else [])
    model = layerwise.Model(x, MAKERS[name]()(inputs))
    _assert_matches(model, rng.normal(size=(3, 5, 4)).astype("float32"), tmp_path / "m.onnx")


def test_self_attention_with_two_step_axes_matches_onnxruntime(tmp_path, rng):
    x = layerwise.Input(shape=(2, 3, 4))
    model = layerwise.Model(x, layers.MultiHeadAttention(2, 3, bias_initializer="random_normal")(x, x))
    _assert_matches(model, rng.normal(size=(3, 2, 3, 4)).astype("float32"), tmp_path / "m.onnx")


def test_einsum_dense_with_a_dynamic_sequence_length(tmp_path, rng):
    x = layerwise.Input(shape=(None, 4))
    model = layerwise.Model(x, layers.EinsumDense("abc,cde->abde", (None, 2, 3), bias_axes="de",
                                                  activation="tanh")(x))
    for steps in (3, 6):
        _assert_matches(model, rng.normal(size=(2, steps, 4)).astype("float32"), tmp_path / f"m{steps}.onnx")


@pytest.mark.parametrize("name", ["attention_scaled", "attention_concat_scaled", "additive_attention",
                                  "multi_head_attention", "group_query_attention"])
def test_a_causal_mask_fixed_by_the_node_is_exported(name, tmp_path, rng):
    x = layerwise.Input(shape=(5, 4))
    layer = MAKERS[name]()
    attended = layer([x, x], use_causal_mask=True)
    model = layerwise.Model(x, attended)
    data = rng.normal(size=(3, 5, 4)).astype("float32")
    _assert_matches(model, data, tmp_path / "m.onnx")
    # The mask matters: the first step attends to itself only.
    assert not np.allclose(model.predict(data, verbose=0), layer([data, data]), atol=1e-3)


def test_a_causal_mask_over_steps_of_free_length_is_refused(tmp_path):
    x = layerwise.Input(shape=(None, 4))
    model = layerwise.Model(x, layers.MultiHeadAttention(2, 3, name="decoder")(x, x, use_causal_mask=True))
    with pytest.raises(ExportError, match="layer 'decoder' .*causal mask over steps of free length"):
        to_onnx(model, tmp_path / "m.onnx")
    model = layerwise.Model(x, layers.MultiHeadAttention(2, 3)(x, x))
    _assert_matches(model, np.ones((2, 3, 4), "float32"), tmp_path / "free.onnx")
