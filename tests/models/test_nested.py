"""Models are layers: every way of nesting a model goes through the whole workflow, one table row each."""

import numpy as np
import onnxruntime
import pytest

import layerwise
from layerwise.export import to_onnx
from layerwise import layers
from layerwise.layers import BatchNormalization, Concatenate, Dense, Dropout
from layerwise.models import load_model
from layerwise.testing import check_gradients


def _mlp(units, inputs, name, activation="tanh"):
    x = layerwise.Input(shape=(inputs,))
    return layerwise.Model(x, Dense(units, activation=activation)(x), name=name)


def sequential_in_sequential():
    inner = layerwise.Sequential([layerwise.Input(shape=(6,)), Dense(5, activation="tanh"), Dense(4)], name="inner")
    return layerwise.Sequential([inner, Dense(3, activation="softmax")], name="outer"), ["inner"]


def sequential_in_functional():
    inner = layerwise.Sequential([layerwise.Input(shape=(6,)), Dense(4, activation="relu")], name="inner")
    x = layerwise.Input(shape=(6,))
    return layerwise.Model(x, Dense(3, activation="softmax")(inner(x)), name="outer"), ["inner"]


def functional_three_levels():
    deepest = _mlp(5, 6, "deepest")
    y = layerwise.Input(shape=(6,))
    middle = layerwise.Model(y, Dense(4, activation="tanh")(deepest(y)), name="middle")
    z = layerwise.Input(shape=(6,))
    top = layerwise.Model(z, Dense(4)(middle(z)), name="top")
    x = layerwise.Input(shape=(6,))
    return layerwise.Model(x, Dense(3, activation="softmax")(top(x)), name="outer"), ["top", "middle", "deepest"]


def shared_encoder_twice():
    encoder = _mlp(4, 6, "encoder")
    x = layerwise.Input(shape=(6,))
    both = Concatenate()([encoder(x), encoder(Dense(6, activation="tanh")(x))])
    return layerwise.Model(x, Dense(3, activation="softmax")(both), name="outer"), ["encoder"]


def frozen_base_trainable_head():
    x = layerwise.Input(shape=(6,))
    base = layerwise.Model(x, BatchNormalization()(Dense(5, activation="tanh")(x)), name="base")
    base.trainable = False
    return layerwise.Sequential([base, Dropout(0.2, seed=3), Dense(3, activation="softmax")], name="outer"), ["base"]


CASES = [sequential_in_sequential, sequential_in_functional, functional_three_levels, shared_encoder_twice,
         frozen_base_trainable_head]


def _data(rng, n=48):
    x = rng.normal(size=(n, 6)).astype("float32")
    return x, (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 1).astype(int)


def _fresh(factory, seed=1):
    layerwise.layers.base.clear_session()
    layerwise.utils.set_random_seed(seed)
    model, nested = factory()
    model.compile(optimizer=layerwise.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model, nested


@pytest.mark.parametrize("factory", CASES, ids=[f.__name__ for f in CASES])
def test_fit_evaluate_predict_and_summary(factory, rng):
    model, nested = _fresh(factory)
    x, y = _data(rng)
    frozen = [p.value.copy() for p in model.non_trainable_weights]
    before = model.evaluate(x, y, verbose=0)[0]
    model.fit(x, y, epochs=8, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0)[0] < before
    assert model.predict(x, verbose=0).shape == (len(x), 3)
    for p, value in zip(model.non_trainable_weights, frozen):
        np.testing.assert_array_equal(p.value, value)
    lines = []
    model.summary(print_fn=lines.append)
    text = lines[0]
    assert f"{nested[0]} (" in text and f"Total params: {model.count_params():,}" in text
    trainable = sum(p.value.size for p in model.trainable_weights)
    assert f"Trainable params: {trainable:,}" in text
    expanded = []
    model.summary(print_fn=expanded.append, expand_nested=True)
    assert all(f" {name} (" in expanded[0] for name in nested)
    assert len(expanded[0].splitlines()) > len(text.splitlines())


@pytest.mark.parametrize("factory", CASES, ids=[f.__name__ for f in CASES])
def test_save_load_is_bit_identical_and_resumes_exactly(factory, tmp_path, rng):
    x, y = _data(rng)
    straight, _ = _fresh(factory)
    for _ in range(4):
        straight.train_on_batch(x, y)
    resumed, _ = _fresh(factory)
    for _ in range(2):
        resumed.train_on_batch(x, y)
    resumed.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw")
    assert [layer.name for layer in loaded.flatten_layers()] == [layer.name for layer in resumed.flatten_layers()]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), resumed.predict(x, verbose=0))
    assert [p.trainable for p in loaded.trainable_weights] == [p.trainable for p in resumed.trainable_weights]
    assert len(loaded.trainable_weights) == len(resumed.trainable_weights)
    for _ in range(2):
        loaded.train_on_batch(x, y)
    for p, q in zip(straight.weights, loaded.weights, strict=True):
        assert p.name == q.name
        np.testing.assert_array_equal(p.value, q.value)
    weights = tmp_path / "w.safetensors"
    straight.save_weights(weights)
    again, _ = _fresh(factory, seed=2)
    again.load_weights(weights)
    np.testing.assert_array_equal(again.predict(x, verbose=0), straight.predict(x, verbose=0))


@pytest.mark.parametrize("factory", CASES, ids=[f.__name__ for f in CASES])
def test_onnxruntime_agrees(factory, tmp_path, rng):
    model, _ = _fresh(factory)
    x, y = _data(rng)
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    to_onnx(model, tmp_path / "m.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    (ours,) = session.run(None, {"input": x})
    np.testing.assert_allclose(ours, model.predict(x, verbose=0), atol=1e-5)


@pytest.mark.parametrize("factory", CASES, ids=[f.__name__ for f in CASES])
def test_float64_gradient_check(factory, rng, float64):
    model, _ = _fresh(factory)
    x, y = _data(rng, n=5)
    report = check_gradients(model, x.astype("float64"), y)
    assert report.passed, str(report)
    assert {row[1] for row in report.rows} == {"input"} | {p.name for p in model.weights if p.trainable}


def test_a_nested_model_shares_its_weights_with_the_original(rng):
    model, _ = _fresh(sequential_in_functional)
    inner = model.get_layer("inner")
    x, _ = _data(rng)
    np.testing.assert_allclose(inner.predict(x, verbose=0), np.maximum(x @ inner.layers[0].kernel.value
                                                                       + inner.layers[0].bias.value, 0), rtol=1e-6)
    inner.layers[0].kernel.value[...] = 0
    np.testing.assert_array_equal(model.get_layer(index=1).predict(x, verbose=0), np.maximum(
        inner.layers[0].bias.value, 0) + np.zeros((len(x), 1), "float32"))
    assert model.layers[1] is inner and model.get_layer(index=-1) is model.layers[-1]


def test_freezing_after_compile_takes_effect_at_the_next_compile(rng):
    model, _ = _fresh(frozen_base_trainable_head)
    x, y = _data(rng)
    head = model.layers[-1]
    kernel = head.kernel.value.copy()
    head.trainable = False
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert not np.array_equal(head.kernel.value, kernel), "compiled as trainable: still trained"
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    kernel = head.kernel.value.copy()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    np.testing.assert_array_equal(head.kernel.value, kernel)


def test_a_frozen_model_freezes_every_depth_and_batch_normalization_stays_in_inference(rng):
    model, _ = _fresh(functional_three_levels)
    model.get_layer("top").trainable = False
    deepest = model.get_layer("top").get_layer("middle").get_layer("deepest")
    assert not deepest.trainable and not deepest.layers[1].trainable
    assert {p.name for p in model.trainable_weights} == {p.name for p in model.layers[-1].weights}
    base = frozen_base_trainable_head()[0].layers[0]
    batch_norm = base.layers[-1]
    x, _ = _data(rng)
    moving = batch_norm.moving_mean.value.copy()
    np.testing.assert_array_equal(base(x, training=True), base(x, training=False))
    np.testing.assert_array_equal(batch_norm.moving_mean.value, moving)


def test_symbolic_access_builds_a_feature_extractor_that_shares_weights(rng):
    x = layerwise.Input(shape=(6,))
    hidden = Dense(4, activation="relu", name="hidden")
    classifier = layerwise.Model(x, Dense(3, activation="softmax")(hidden(x)))
    features = layerwise.Model(classifier.input, classifier.get_layer("hidden").output)
    data, _ = _data(rng)
    assert hidden.input is x and classifier.output is classifier.outputs[0]
    np.testing.assert_allclose(features.predict(data, verbose=0),
                               np.maximum(data @ hidden.kernel.value + hidden.bias.value, 0), rtol=1e-6)
    assert features.layers[1] is hidden and features.count_params() == hidden.count_params()
    hidden(layerwise.Input(shape=(6,)))
    with pytest.raises(AttributeError, match="get_output_at"):
        hidden.output
    assert hidden.get_output_at(0) is classifier.get_layer("hidden").get_output_at(0)
    with pytest.raises(ValueError, match="exactly one of name and index"):
        classifier.get_layer()
    with pytest.raises(ValueError, match="out of range"):
        classifier.get_layer(index=7)
    with pytest.raises(AttributeError, match="never been called"):
        Dense(2).output


def test_a_sequential_without_input_has_no_symbolic_input_until_built(rng):
    model = layerwise.Sequential([Dense(2)])
    with pytest.raises(AttributeError, match="no input yet"):
        model.input
    model(rng.normal(size=(3, 5)))
    assert model.input.shape == (None, 5) and model.output.shape == (None, 2)


def test_training_mode_fixed_at_a_symbolic_call_is_kept(rng):
    """Keras's transfer-learning idiom ``base(inputs, training=False)`` keeps the base's BN in inference."""
    x = layerwise.Input(shape=(6,))
    batch_norm = BatchNormalization()
    base = layerwise.Model(x, batch_norm(x))
    inputs = layerwise.Input(shape=(6,))
    model = layerwise.Model(inputs, Dense(2)(base(inputs, training=False)))
    model.compile(optimizer="sgd", loss="mse")
    data = rng.normal(size=(16, 6)).astype("float32") + 3
    model.fit(data, np.zeros((16, 2)), verbose=0)
    np.testing.assert_array_equal(batch_norm.moving_mean.value, 0)
    assert layerwise.Model.from_config(model.get_config()).nodes[0].training is False


def test_the_denoising_autoencoder_of_the_keras_examples_learns_mnist(rng):
    """encoder model, decoder model, autoencoder = decoder(encoder(inputs)), trained on noisy inputs."""
    (images, _), _ = layerwise.datasets.mnist.load_data()
    clean = images[:2000].reshape(-1, 784).astype("float32") / 255
    noisy = np.clip(clean + 0.3 * rng.normal(size=clean.shape), 0, 1).astype("float32")
    layerwise.utils.set_random_seed(0)
    inputs = layerwise.Input(shape=(784,))
    encoder = layerwise.Model(inputs, Dense(64, activation="relu")(Dense(128, activation="relu")(inputs)),
                              name="encoder")
    codes = layerwise.Input(shape=(64,))
    decoder = layerwise.Model(codes, Dense(784, activation="sigmoid")(Dense(128, activation="relu")(codes)),
                              name="decoder")
    autoencoder = layerwise.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    autoencoder.compile(optimizer="adam", loss="binary_crossentropy")
    before = autoencoder.evaluate(noisy, clean, verbose=0)
    autoencoder.fit(noisy, clean, epochs=3, batch_size=64, verbose=0)
    after = autoencoder.evaluate(noisy, clean, verbose=0)
    assert after < 0.5 * before
    np.testing.assert_allclose(decoder.predict(encoder.predict(noisy[:50], verbose=0), verbose=0),
                               autoencoder.predict(noisy[:50], verbose=0), rtol=1e-5, atol=1e-6)


def test_a_frozen_base_transfer_model_leaves_the_base_bit_identical(rng):
    layerwise.utils.set_random_seed(0)
    base = layerwise.Sequential([layerwise.Input(shape=(6,)), Dense(8, activation="relu"), BatchNormalization(),
                                 Dense(8, activation="relu")], name="base")
    x, y = _data(rng)
    base.compile(optimizer="adam", loss="mse")
    base.fit(x, np.zeros((len(x), 8)), epochs=1, verbose=0)
    saved = [w.copy() for w in base.get_weights()]
    base.trainable = False
    inputs = layerwise.Input(shape=(6,))
    model = layerwise.Model(inputs, Dense(3, activation="softmax")(base(inputs)))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    for before, after in zip(saved, base.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    assert model.count_params() - sum(p.value.size for p in model.trainable_weights) == base.count_params()


@pytest.mark.parametrize("factory", CASES, ids=[f.__name__ for f in CASES])
def test_clone_model_has_new_layers_of_the_same_graph(factory, rng):
    model, nested = _fresh(factory)
    clone = layerwise.models.clone_model(model)
    pairs = list(zip(model.flatten_layers(), clone.flatten_layers(), strict=True))
    assert all(a is not b and type(a) is type(b) and a.trainable == b.trainable for a, b in pairs)
    assert len(clone.weights) == len(model.weights) and clone.count_params() == model.count_params()
    clone.set_weights(model.get_weights())
    x, _ = _data(rng)
    np.testing.assert_array_equal(clone.predict(x, verbose=0), model.predict(x, verbose=0))
    counted = []
    layerwise.models.clone_model(model, clone_function=lambda layer: counted.append(layer) or
                                 type(layer).from_config(layer.get_config()))
    assert len({id(layer) for layer in counted}) == len(counted)


def test_masks_flow_through_a_functional_graph_and_a_nested_model(rng):
    ids = rng.integers(1, 9, size=(4, 6))
    ids[0, 3:] = 0
    layerwise.utils.set_random_seed(0)
    embedding, lstm = layers.Embedding(9, 3, mask_zero=True), layers.LSTM(2)
    tokens = layerwise.Input(shape=(6,))
    functional = layerwise.Model(tokens, lstm(embedding(tokens)))
    inputs = layerwise.Input(shape=(6,))
    nested = layerwise.Model(inputs, layerwise.Sequential([embedding, lstm])(inputs))
    unmasked_embedding = layers.Embedding(9, 3)
    unmasked = layerwise.Model(tokens, lstm(unmasked_embedding(tokens)))
    unmasked_embedding.set_weights(embedding.get_weights())
    short = layers.LSTM(2)
    short.build_for((None, 3, 3))
    short.set_weights(lstm.get_weights())
    expected = short(embedding(ids[:1])[:, :3])
    assert not np.allclose(unmasked.predict(ids, verbose=0)[0], expected[0], rtol=1e-3)
    for model in (functional, nested):
        np.testing.assert_allclose(model.predict(ids, verbose=0)[0], expected[0], rtol=1e-5)
