"""gradient_norms: the kernels' gradient norms of one batch, nested models opened, against the chain rule."""

import numpy as np
import pytest

import layerwise
from layerwise.applications import residual_mlp
from layerwise.diagnostics import gradient_norms

from tiny_networks import kernel_gradients, layer_named, nested_relu_mlp


def test_norms_of_nested_layers_in_order_match_the_chain_rule(rng, float64):
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 2))
    model = nested_relu_mlp()
    expected = kernel_gradients(layer_named(model, "inner"), layer_named(model, "head"), x, y)
    norms = gradient_norms(model, x, y)
    assert list(norms) == ["inner", "head"]
    for name, gradient in expected.items():
        assert norms[name] == pytest.approx(np.linalg.norm(gradient), rel=1e-12)


def test_an_uncompiled_model_is_refused():
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layerwise.layers.Dense(1)], name="plain")
    with pytest.raises(ValueError, match="gradient_norms: compile plain with a loss first"):
        gradient_norms(model, np.ones((1, 2)), np.ones((1, 1)))


def test_a_flat_model_keeps_its_layers_and_their_order(rng):
    model = residual_mlp((4,), units=4, blocks=2, classes=3, batch_norm=True)
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    norms = gradient_norms(model, rng.normal(size=(5, 4)), np.eye(3)[rng.integers(0, 3, 5)])
    assert list(norms) == [layer.name for layer in model.layers if layer.trainable_weights]
    assert all(norm > 0 for norm in norms.values())
