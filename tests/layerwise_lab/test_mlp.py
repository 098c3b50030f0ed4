"""The deep MLPs of the activation and initialization experiments, and the fit that reports divergence."""

import numpy as np

import layerwise
from layerwise import layers
from layerwise_lab._mlp import deep_mlp, fit_or_diverge, hidden_dense


def test_deep_mlp_stacks_dense_and_activation_layers():
    model = deep_mlp(3, 5, layers.ReLU, "he_normal", inputs=4, classes=2, dtype="float64")
    assert [layer.name for layer in hidden_dense(model)] == ["dense_1", "dense_2", "dense_3"]
    assert sum(isinstance(layer, layers.ReLU) for layer in model.layers) == 3
    assert model.predict(np.ones((2, 4)), verbose=0).shape == (2, 2)
    assert hidden_dense(model)[0].kernel.value.dtype == np.float64


def test_deep_mlp_takes_an_activation_name():
    model = deep_mlp(2, 3, "tanh", "glorot_uniform", inputs=2, classes=2)
    assert [layer.activation.name for layer in model.layers if isinstance(layer, layers.Activation)] == ["tanh"] * 2


def test_fit_or_diverge_returns_none_when_the_loss_becomes_nan():
    layerwise.utils.set_random_seed(0)
    model = deep_mlp(1, 4, "relu", "glorot_uniform", inputs=2, classes=2)
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=1e30), loss="sparse_categorical_crossentropy")
    x, y = np.random.default_rng(0).normal(size=(32, 2)) * 100, np.arange(32) % 2
    assert fit_or_diverge(model, x, y, epochs=20, batch_size=8) is None
    model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    model.set_weights([np.zeros_like(w) for w in model.get_weights()])
    assert "loss" in fit_or_diverge(model, x, y, epochs=1).history
