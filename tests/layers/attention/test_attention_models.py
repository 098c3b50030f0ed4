"""The attention layers inside functional models: the model-file round trip (the layer table's saving rows skip
layers of several inputs), training that goes on identically after loading, and a fit that lowers the loss."""

import numpy as np
import pytest

import layerwise
from layerwise import layers

MAKERS = {
    "attention": lambda: layers.Attention(use_scale=True, dropout=0.2, seed=1),
    "attention_concat": lambda: layers.Attention(score_mode="concat"),
    "additive_attention": lambda: layers.AdditiveAttention(dropout=0.1, seed=2),
    "multi_head_attention": lambda: layers.MultiHeadAttention(2, 3, dropout=0.2, kernel_regularizer="l2", seed=3),
    "group_query_attention": lambda: layers.GroupQueryAttention(2, 4, 2, dropout=0.1, seed=4),
}


def _model(make, with_key, learning_rate=0.001):
    query, value = layerwise.Input(shape=(3, 4)), layerwise.Input(shape=(5, 4))
    inputs = [query, value] + ([layerwise.Input(shape=(5, 4))] if with_key else [])
    attended = make()(inputs)
    output = layers.Dense(2)(layers.Flatten()(attended))
    model = layerwise.Model(inputs, output)
    model.compile(optimizer=layerwise.optimizers.Adam(learning_rate), loss="mse")
    return model


def _data(rng, with_key, n=16):
    x = [rng.normal(size=(n, 3, 4)), rng.normal(size=(n, 5, 4))] + ([rng.normal(size=(n, 5, 4))] if with_key else [])
    return [a.astype("float32") for a in x], rng.normal(size=(n, 2)).astype("float32")


@pytest.mark.parametrize("with_key", [False, True], ids=["value_as_key", "key"])
@pytest.mark.parametrize("name", list(MAKERS))
def test_model_file_round_trip_and_training_goes_on_alike(name, with_key, tmp_path, rng):
    model = _model(MAKERS[name], with_key)
    x, y = _data(rng, with_key)
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    model.save(tmp_path / "m.layerwise")
    loaded = layerwise.models.load_model(tmp_path / "m.layerwise")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    original, restored = model.layers[len(x)], loaded.layers[len(x)]
    assert type(restored) is type(original) and restored.get_config() == original.get_config()
    # The optimizer's state and the dropout's generator come back too: the next epoch is the same epoch.
    model.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    loaded.fit(x, y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(MAKERS))
def test_fit_learns_a_teacher_of_the_same_architecture(name, rng):
    x, _ = _data(rng, False, n=64)
    teacher = _model(MAKERS[name], False)
    y = teacher.predict(x, verbose=0)
    student = _model(MAKERS[name], False, learning_rate=0.01)
    history = student.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]


@pytest.mark.parametrize("make", [lambda: layers.Attention(use_scale=True), lambda: layers.AdditiveAttention(),
                                  lambda: layers.MultiHeadAttention(2, 3, bias_initializer="random_normal"),
                                  lambda: layers.GroupQueryAttention(2, 4, 2)],
                         ids=["attention", "additive_attention", "multi_head_attention", "group_query_attention"])
def test_causal_mask_and_scores_fixed_by_a_symbolic_call(make, tmp_path, rng, float64):
    # Keras's decoder self-attention: `layer(x, x, use_causal_mask=True, return_attention_scores=True)` on
    # symbolic tensors fixes both for every run of the node, in the config and in clones.
    x = layerwise.Input(shape=(4, 4))
    layer = make()
    multi_head = isinstance(layer, (layers.MultiHeadAttention, layers.GroupQueryAttention))
    output, scores = (layer(x, x, **CAUSAL_SCORES) if multi_head else layer([x, x], **CAUSAL_SCORES))
    assert scores.shape == ((None, layer.num_heads, 4, 4) if multi_head else (None, 4, 4))
    model = layerwise.Model(x, [layers.Dense(2)(output), scores])
    data = rng.normal(size=(3, 4, 4))
    expected = layer([data, data], **CAUSAL_SCORES)
    predicted = model.predict(data, verbose=0)
    np.testing.assert_allclose(predicted[1], expected[1], rtol=1e-12)
    assert np.all(np.triu(predicted[1][0].reshape(-1, 4, 4)[0], k=1) == 0)
    report = layerwise.testing.check_gradients(model, data)
    assert report.passed, f"\n{report}"
    for copy in (layerwise.models.clone_model(model), _saved_and_loaded(model, tmp_path)):
        copy.set_weights(model.get_weights())
        for got, want in zip(copy.predict(data, verbose=0), predicted, strict=True):
            np.testing.assert_allclose(got, want, rtol=1e-12)


CAUSAL_SCORES = {"use_causal_mask": True, "return_attention_scores": True}


def _saved_and_loaded(model, tmp_path):
    model.save(tmp_path / "causal.layerwise")
    return layerwise.models.load_model(tmp_path / "causal.layerwise")


def test_other_call_arguments_are_still_refused_on_symbolic_calls():
    x = layerwise.Input(shape=(4, 4))
    with pytest.raises(ValueError, match=r"\['attention_mask'\] cannot be passed on symbolic calls"):
        layers.MultiHeadAttention(2, 3)(x, x, attention_mask=np.ones((1, 4, 4), bool))
    with pytest.raises(ValueError, match=r"\['use_causal_mask'\] cannot be passed on symbolic calls"):
        layers.Dense(2)(x, use_causal_mask=True)


@pytest.mark.parametrize("name", list(MAKERS))
def test_sequences_of_free_length(name, rng):
    x = layerwise.Input(shape=(None, 4))
    layer = MAKERS[name]()
    model = layerwise.Model(x, layers.GlobalAveragePooling1D()(layer([x, x], use_causal_mask=True)))
    for steps in (3, 6):
        data = rng.normal(size=(2, steps, 4)).astype("float32")
        expected = layer([data, data], use_causal_mask=True).mean(axis=1)
        np.testing.assert_allclose(model.predict(data, verbose=0), expected, rtol=1e-5, atol=1e-6)
