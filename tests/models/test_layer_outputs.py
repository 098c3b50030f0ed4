"""Model.layer_outputs: each layer's outputs on a probe set, through models of several inputs nested in each other."""

import numpy as np

import layerwise
from layerwise.layers import Add, Dense


def test_outputs_of_nested_layers_at_each_call_without_touching_the_model(rng):
    a, b = layerwise.Input(shape=(2,)), layerwise.Input(shape=(2,))
    inner = layerwise.Model([a, b], Dense(3, activation="relu", name="inner_dense")(Add()([a, b])), name="inner")
    x1, x2 = layerwise.Input(shape=(2,)), layerwise.Input(shape=(2,))
    top = Dense(1, name="top")
    model = layerwise.Model([x1, x2], top(Add()([inner([x1, x2]), inner([x2, x2])])))
    dense = inner.get_layer("inner_dense")
    nodes = {layer.name: len(layer.inbound_nodes) for layer in model.flatten_layers()}
    p1, p2 = rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=(4, 2)).astype("float32")

    found = model.layer_outputs([p1, p2], lambda layer: bool(layer.weights))

    assert list(found) == [dense, top]
    hidden = [np.maximum((p + p2) @ dense.kernel.value + dense.bias.value, 0) for p in (p1, p2)]
    for output, expected in zip(found[dense], hidden):
        np.testing.assert_allclose(output, expected, rtol=1e-6)
    np.testing.assert_allclose(found[top][0], model.predict([p1, p2], verbose=0), rtol=1e-6)
    assert {layer.name: len(layer.inbound_nodes) for layer in model.flatten_layers()} == nodes
