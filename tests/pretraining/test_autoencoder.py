"""Autoencoders (issue 21): gradients of every variant, denoising on the input only, sparsity, tied weights
saved and loaded, convolutional autoencoders, and the ordinary model workflow."""

import numpy as np
import pytest

import layerwise
from layerwise import regularizers
from layerwise.diagnostics import gradient_norms
from layerwise.layers import Conv2D, Conv2DTranspose, Dense, DenseTranspose
from layerwise.models import Sequential, load_model
from layerwise.pretraining import Autoencoder
from layerwise.testing import check_gradients


def _tied(units=4, features=6, **kwargs):
    hidden = Dense(units, activation="sigmoid")
    return Autoencoder(hidden, DenseTranspose(hidden, activation="sigmoid", bias_initializer="random_normal"),
                       input_shape=(features,), **kwargs)


def _untied(units=4, features=6, **kwargs):
    encoder = Sequential([layerwise.Input(shape=(features,)), Dense(units, activation="sigmoid")])
    decoder = Sequential([Dense(features)])
    return Autoencoder(encoder, decoder, **kwargs)


GRADIENT_CASES = {
    "tied_cross_entropy": (lambda: _tied(), "binary_crossentropy"),
    "tied_masking_kl_sparsity": (lambda: _tied(corruption="masking", corruption_level=0.3, seed=1,
                                               sparsity=regularizers.KLSparsity(0.1, 3.0)), "binary_crossentropy"),
    "untied_gaussian_l1_mse": (lambda: _untied(corruption="gaussian", corruption_level=0.2, seed=2,
                                               sparsity=regularizers.L1(0.01)), "mse"),
}


@pytest.mark.parametrize("case", GRADIENT_CASES, ids=list(GRADIENT_CASES))
def test_float64_gradients_of_the_reconstruction_loss_and_penalties(case, float64, rng):
    factory, loss = GRADIENT_CASES[case]
    model = factory()
    model.compile(optimizer="sgd", loss=loss)
    x = rng.uniform(0.05, 0.95, size=(5, 6))
    report = check_gradients(model, x, x.copy(), modes=("inference", "training"))
    assert report.passed, f"\n{report}"
    checked = {row[1] for row in report.rows}
    assert {p.name for p in model.trainable_weights} <= checked
    if case.startswith("tied"):
        # The tied kernel is one parameter with the gradient of both its uses, checked above.
        assert [p.name for p in model.trainable_weights].count(model.encoder.kernel.name) == 1


def test_corruption_applies_in_training_only_and_to_the_input_only(rng):
    model = _tied(corruption="masking", corruption_level=0.5, seed=3)
    x = rng.uniform(size=(8, 6)).astype("float32")
    np.testing.assert_array_equal(model.predict(x, verbose=0), model.predict(x, verbose=0))
    assert not np.allclose(model(x, training=True), model(x, training=False))
    model.compile(optimizer="sgd", loss="mse")
    loss = model.evaluate(x, verbose=0)
    assert loss == pytest.approx(float(np.mean((model.predict(x, verbose=0) - x) ** 2)), rel=1e-5)


def test_unknown_corruption_and_missing_input_shape_are_clear_errors():
    with pytest.raises(ValueError, match="corruption"):
        _tied(corruption="salt")
    with pytest.raises(ValueError, match="input_shape"):
        hidden = Dense(3)
        Autoencoder(hidden, DenseTranspose(hidden))


def test_kl_sparsity_drives_mean_activations_to_rho():
    x = layerwise.datasets.mnist.load_data()[0][0][:2000].reshape(-1, 784).astype("float32") / 255
    means = {}
    for sparsity in (None, regularizers.KLSparsity(rho=0.05, beta=3.0)):
        layerwise.utils.set_random_seed(0)
        model = _tied(units=64, features=784, sparsity=sparsity)
        model.compile(optimizer=layerwise.optimizers.Adam(0.003), loss="binary_crossentropy")
        model.fit(x, epochs=5, batch_size=50, verbose=0)
        means[sparsity is not None] = float(model.encode(x).mean())
    assert means[True] < 0.1 < means[False], means


def test_tied_autoencoder_saves_loads_and_keeps_the_tie(tmp_path, rng):
    model = _tied(corruption="masking", corruption_level=0.2, seed=4, sparsity=regularizers.KLSparsity(0.1))
    model.compile(optimizer="adam", loss="binary_crossentropy")
    x = rng.uniform(size=(16, 6)).astype("float32")
    model.fit(x, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "ae.keras")
    loaded = load_model(tmp_path / "ae.keras")
    assert isinstance(loaded, Autoencoder)
    assert loaded.decoder.tied_to is loaded.encoder and loaded.decoder.kernel is loaded.encoder.kernel
    assert (loaded.corruption, loaded.corruption_level, loaded.sparsity.rho) == ("masking", 0.2, 0.1)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    loaded.fit(x, epochs=1, batch_size=4, verbose=0)
    assert not np.array_equal(loaded.encoder.kernel.value, model.encoder.kernel.value)


def test_summary_lists_the_parts(capsys):
    model = _untied(corruption="masking", corruption_level=0.1, sparsity="l1")
    model.summary()
    out = capsys.readouterr().out
    for part in ("MaskingNoise", model.encoder.name, "ActivityRegularization", model.decoder.name):
        assert part in out


def test_convolutional_denoising_autoencoder_learns(rng):
    x = layerwise.datasets.mnist.load_data()[0][0][:2048, :, :, None].astype("float32") / 255
    encoder = Sequential([layerwise.Input(shape=(28, 28, 1)), Conv2D(8, 3, strides=2, padding="same",
                                                                     activation="relu")])
    decoder = Sequential([Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid")])
    model = Autoencoder(encoder, decoder, corruption="gaussian", corruption_level=0.1, seed=5)
    model.compile(optimizer=layerwise.optimizers.Adam(0.01), loss="binary_crossentropy")
    history = model.fit(x, epochs=3, batch_size=32, verbose=0, validation_data=x[:64])
    assert "val_loss" in history.history and history.history["loss"][-1] < history.history["loss"][0]
    # Better than the best input-blind guess, the mean image.
    error = np.mean((model.predict(x, verbose=0) - x) ** 2)
    assert error < 0.2 * np.mean((x.mean(axis=0) - x) ** 2), error


def test_tied_denoising_sparse_autoencoder_exports_to_onnx(tmp_path, rng):
    import onnxruntime
    model = _tied(corruption="masking", corruption_level=0.3, sparsity=regularizers.KLSparsity(0.1))
    x = rng.uniform(size=(3, 6)).astype("float32")
    layerwise.export.to_onnx(model, tmp_path / "ae.onnx")
    session = onnxruntime.InferenceSession(str(tmp_path / "ae.onnx"), providers=["CPUExecutionProvider"])
    actual = session.run(None, {session.get_inputs()[0].name: x})[0]
    np.testing.assert_allclose(actual, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_callbacks_and_diagnostics_work_on_an_autoencoder(rng):
    model = _untied(corruption="gaussian", corruption_level=0.1)
    model.compile(optimizer="sgd", loss="mse")
    x = rng.uniform(size=(32, 6)).astype("float32")
    stopper = layerwise.callbacks.EarlyStopping(monitor="loss", patience=0, min_delta=10.0)
    history = model.fit(x, epochs=5, batch_size=8, verbose=0, callbacks=[stopper])
    assert len(history.epoch) == 2  # stopped: no epoch improves the loss by 10
    norms = gradient_norms(model, x, x)
    # The layers inside the encoder and decoder models, each by its own name.
    inner = {layer.name for layer in model.encoder.layers + model.decoder.layers}
    assert set(norms) == inner and all(n > 0 for n in norms.values())


def test_tied_models_rebuild_from_config_and_clone(rng):
    x = rng.uniform(size=(4, 6)).astype("float32")
    model = _tied(sparsity=regularizers.KLSparsity(0.1))
    rebuilt = Autoencoder.from_config(model.get_config())
    assert rebuilt.decoder.tied_to is rebuilt.encoder
    hidden = Dense(3, activation="sigmoid")
    stack = Sequential([layerwise.Input(shape=(6,)), hidden, DenseTranspose(hidden, activation="sigmoid")])
    for copy in (Sequential.from_config(stack.get_config()), layerwise.models.clone_model(stack),
                 layerwise.models.clone_model(model)):
        decoder = copy.layers[-1]
        assert decoder.tied_to in copy.layers and decoder.tied_to is not hidden
        assert copy.predict(x, verbose=0).shape == (4, 6)


def test_a_tied_decoder_without_bias_on_its_own_input_still_trains_the_kernel(rng):
    a, b = layerwise.Input(shape=(5,)), layerwise.Input(shape=(3,))
    encoder = Dense(3, use_bias=False)
    decoder = DenseTranspose(encoder, use_bias=False)
    model = layerwise.Model([a, b], [encoder(a), decoder(b)])
    model.compile(optimizer=layerwise.optimizers.SGD(1.0), loss="mse")
    xa, xb = rng.normal(size=(4, 5)), rng.normal(size=(4, 3))
    ya, yb = rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    W = encoder.kernel.value.astype(np.float64)
    gradient = xa.T @ (2 * (xa @ W - ya) / (4 * 3)) + (2 * (xb @ W.T - yb) / (4 * 5)).T @ xb
    model.train_on_batch([xa, xb], [ya, yb])
    np.testing.assert_allclose(W - encoder.kernel.value, gradient, rtol=1e-4, atol=1e-6)
