"""Greedy layer-wise pre-training (issue 21): on MNIST it beats random initialization when labels are few;
every method trains the right layers and copies their weights; deep belief networks; clear errors."""

import numpy as np
import pytest

import layerwise
from layerwise.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from layerwise.models import Model, Sequential, load_model
from layerwise.optimizers import SGD, Adam
from layerwise.pretraining import DeepBeliefNetwork, GaussianBernoulliRBM, LayerReport, pretrain


@pytest.fixture(scope="module")
def mnist():
    (x, y), (x_test, y_test) = layerwise.datasets.mnist.load_data()
    x, x_test = x.reshape(-1, 784).astype("float32") / 255, x_test.reshape(-1, 784).astype("float32") / 255
    return x, y, x_test, y_test


def _sigmoid_mlp(*units, inputs=784, classes=10):
    return Sequential([layerwise.Input(shape=(inputs,)), *[Dense(u, activation="sigmoid") for u in units],
                       Dense(classes, activation="softmax")])


def _fine_tuned_accuracy(model, x, y, x_test, y_test):
    model.compile(optimizer=SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=20, batch_size=20, verbose=0)
    return model.evaluate(x_test, y_test, verbose=0)[1]


# Measured (seed 0, first 5,000 test images): random 0.838; RBM 0.902; denoising 0.880.
@pytest.mark.parametrize("method, optimizer", [("rbm", SGD(0.1, momentum=0.5)), ("denoising", Adam(0.001))])
def test_pretraining_on_10000_images_beats_random_init_on_1000_labels(method, optimizer, mnist):
    x, y, x_test, y_test = mnist
    unlabelled, labelled, labels = x[:10000], x[10000:11000], y[10000:11000]
    accuracy = {}
    for pretrained in (False, True):
        layerwise.utils.set_random_seed(0)
        model = _sigmoid_mlp(500, 500)
        if pretrained:
            reports = pretrain(model, unlabelled, method=method, epochs_per_layer=3, batch_size=20,
                               optimizer=optimizer, verbose=0, seed=0)
            assert [r.layer_name for r in reports] == [model.layers[0].name, model.layers[1].name]
            assert all(r.history["loss"][-1] < r.history["loss"][0] for r in reports)
        accuracy[pretrained] = _fine_tuned_accuracy(model, labelled, labels, x_test[:5000], y_test[:5000])
    assert accuracy[True] > accuracy[False] + 0.015, accuracy


@pytest.mark.parametrize("method", ["autoencoder", "denoising", "sparse", "rbm", "supervised"])
def test_each_method_trains_the_hidden_layers_and_copies_their_weights(method, mnist):
    x, y = mnist[0][:300], mnist[1][:300]
    model = _sigmoid_mlp(16, 8)
    model.layers[1].trainable = False
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    before = [layer.get_weights() for layer in model.layers]
    reports = pretrain(model, x, method=method, y=y if method == "supervised" else None, epochs_per_layer=2,
                       batch_size=30, optimizer=Adam(0.01), verbose=0, seed=1)
    # The frozen middle layer and the output layer are left alone.
    assert [report.layer_name for report in reports] == [model.layers[0].name]
    assert isinstance(reports[0], LayerReport) and reports[0].method == method
    assert len(reports[0].history["loss"]) == 2
    after = [layer.get_weights() for layer in model.layers]
    assert not np.array_equal(before[0][0], after[0][0])
    for old, new in zip(before[1:], after[1:]):
        for a, b in zip(old, new):
            np.testing.assert_array_equal(a, b)


def test_stacked_layers_see_the_output_of_the_layers_below(mnist):
    x = mnist[0][:200]
    model = Sequential([layerwise.Input(shape=(784,)), Dense(12, activation="sigmoid"), Dropout(0.5),
                        Dense(6, activation="relu"), Dense(3, activation="softmax")])
    reports = pretrain(model, x, method="autoencoder", epochs_per_layer=1, batch_size=50, verbose=0)
    assert [r.layer_name for r in reports] == [model.layers[0].name, model.layers[2].name]
    # The ReLU layer's inputs (sigmoid outputs) lie in (0, 1): its decoder reconstructs them by cross-entropy;
    # its loss is of the order of that of 12 values near 0.5, not of 784 pixels.
    assert 0.3 < reports[1].history["loss"][0] < 0.8


def test_convolutional_layers_pretrain_as_convolutional_autoencoders(mnist):
    x = mnist[0][:256].reshape(-1, 28, 28, 1)
    model = Sequential([layerwise.Input(shape=(28, 28, 1)), Conv2D(4, 3, padding="same", activation="relu"),
                        MaxPooling2D(), Conv2D(4, 3, strides=2, padding="same", activation="relu"), Flatten(),
                        Dense(10, activation="softmax")])
    kernel = model.layers[2].kernel.value.copy()
    reports = pretrain(model, x, method="denoising", corruption_level=[0.1, 0.2], epochs_per_layer=1,
                       batch_size=32, optimizer=Adam(0.01), verbose=0)
    assert [r.layer_name for r in reports] == [model.layers[0].name, model.layers[2].name]
    assert not np.array_equal(kernel, model.layers[2].kernel.value)


def test_a_chain_shaped_functional_model_and_verbose_headers(capsys):
    inputs = layerwise.Input(shape=(6,))
    outputs = Dense(2, activation="softmax")(Dense(4, activation="sigmoid", name="hidden")(inputs))
    pretrain(Model(inputs, outputs), np.random.default_rng(0).random((40, 6)), epochs_per_layer=1, verbose=2)
    assert "Pre-training layer 1/1 'hidden' (Dense) as autoencoder" in capsys.readouterr().out


def test_clear_errors():
    x = np.random.default_rng(0).random((20, 6))
    with pytest.raises(ValueError, match="method"):
        pretrain(_sigmoid_mlp(4, inputs=6), x, method="pca")
    with pytest.raises(ValueError, match="needs the targets"):
        pretrain(_sigmoid_mlp(4, inputs=6), x, method="supervised")
    with pytest.raises(ValueError, match="used by method='supervised' only"):
        pretrain(_sigmoid_mlp(4, inputs=6), x, method="rbm", y=np.zeros(20))
    with pytest.raises(ValueError, match="needs a loss"):
        pretrain(_sigmoid_mlp(4, inputs=6), x, method="supervised", y=np.zeros(20, int))
    relu = Sequential([layerwise.Input(shape=(6,)), Dense(4, activation="relu"), Dense(2)])
    with pytest.raises(ValueError, match="activation 'relu'"):
        pretrain(relu, x, method="rbm")
    with pytest.raises(ValueError, match="corruption levels"):
        pretrain(_sigmoid_mlp(4, 3, inputs=6), x, method="denoising", corruption_level=[0.1])
    inputs = layerwise.Input(shape=(6,))
    branches = layerwise.layers.Add()([Dense(3)(inputs), Dense(3)(inputs)])
    with pytest.raises(ValueError, match="not a chain"):
        pretrain(Model(inputs, Dense(2)(branches)), x)


def test_deep_belief_network_fits_unrolls_and_saves(tmp_path, mnist):
    x = mnist[0][:500]
    dbn = DeepBeliefNetwork([32, 16], input_shape=(784,), k=1, seed=0)
    dbn.compile(optimizer=SGD(0.1, momentum=0.5))
    reports = dbn.fit(x, epochs=2, batch_size=20, validation_data=mnist[2][:100], verbose=0)
    assert [len(r.history["val_pseudo_log_likelihood"]) for r in reports] == [2, 2]
    features = dbn.predict(x[:5], verbose=0)
    np.testing.assert_allclose(features, dbn.rbms[1].transform(dbn.rbms[0].transform(x[:5])), rtol=1e-6)
    network = dbn.to_sequential(10)
    np.testing.assert_allclose(Model(network.input, network.layers[1].output).predict(x[:5], verbose=0),
                               features, rtol=1e-5)
    assert dbn.sample(3, steps=10).shape == (3, 784)
    dbn.save(tmp_path / "dbn.keras")
    loaded = load_model(tmp_path / "dbn.keras")
    assert type(loaded) is DeepBeliefNetwork and [type(r).__name__ for r in loaded.rbms] == ["BernoulliRBM"] * 2
    np.testing.assert_array_equal(loaded.predict(x[:5], verbose=0), features)


def test_deep_belief_network_with_gaussian_visible_units_and_errors():
    dbn = DeepBeliefNetwork([4, 3], input_shape=(5,), visible="gaussian", seed=0)
    assert isinstance(dbn.rbms[0], GaussianBernoulliRBM)
    dbn.compile(optimizer=SGD(0.01))
    dbn.fit(np.random.default_rng(0).normal(size=(50, 5)), epochs=1, verbose=0)
    with pytest.raises(TypeError, match="stacks RBMs"):
        dbn.add(Dense(3))
    with pytest.raises(ValueError, match="visible"):
        DeepBeliefNetwork([3], visible="poisson")


@pytest.mark.parametrize("method", ["rbm", "supervised", "sparse"])
def test_the_output_layer_is_the_last_with_weights_and_nested_models_open_up(method, mnist):
    x, y = mnist[0][:200], mnist[1][:200]
    body = Sequential([Dense(8, activation="sigmoid"), Dense(6, activation="relu" if method == "sparse" else
                                                             "sigmoid")])
    model = Sequential([layerwise.Input(shape=(784,)), body, Dense(10), layerwise.layers.Activation("softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    output_kernel = model.layers[1].kernel.value.copy()
    reports = pretrain(model, x, method=method, y=y if method == "supervised" else None, epochs_per_layer=1,
                       batch_size=50, optimizer=Adam(0.01), verbose=0)
    assert [r.layer_name for r in reports] == [layer.name for layer in body.layers]
    np.testing.assert_array_equal(model.layers[1].kernel.value, output_kernel)
    if method == "sparse":  # L1 on the ReLU code: no KL penalty on values that are no probabilities
        assert np.isfinite(reports[1].history["loss"]).all()
