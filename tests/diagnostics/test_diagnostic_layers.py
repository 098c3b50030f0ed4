"""Which layers the diagnostics watch: leaves at any depth, under distinct names, with their activations."""

import pytest

import layerwise
from layerwise.diagnostics._layers import activation_name, leaf_layers, trainable_kernels
from layerwise.layers import Activation, Dense, Dropout, LeakyReLU, ReLU


def _two_blocks(second_name):
    blocks = [layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(2, name=name)], name=f"block_{i}")
              for i, name in enumerate(["dense_a", second_name])]
    x = layerwise.Input(shape=(2,))
    return layerwise.Model(x, Dropout(0.5, name="drop")(blocks[1](blocks[0](x))))


def test_leaves_are_found_inside_nested_models_input_side_first():
    model = _two_blocks("dense_b")
    assert [layer.name for layer in leaf_layers(model) if layer.weights or layer.name == "drop"] == [
        "dense_a", "dense_b", "drop"]
    assert list(trainable_kernels(model, "owner")) == ["dense_a", "dense_b"]
    assert trainable_kernels(model, "owner")["dense_b"] is model.get_layer("block_1").get_layer("dense_b").kernel


def test_layers_of_one_name_in_two_nested_models_are_refused():
    with pytest.raises(ValueError, match=r"owner: several layers are named \['dense_a'\]"):
        trainable_kernels(_two_blocks("dense_a"), "owner")


def test_frozen_layers_have_no_kernel_to_watch():
    model = _two_blocks("dense_b")
    model.get_layer("block_0").trainable = False
    assert list(trainable_kernels(model, "owner")) == ["dense_b"]


@pytest.mark.parametrize("layer, name", [
    (ReLU(), "relu"), (ReLU(negative_slope=0.1), "leaky_relu"), (LeakyReLU(), "leaky_relu"),
    (Dense(2, activation="sigmoid"), "sigmoid"), (Dense(2), "linear"), (Activation("tanh"), "tanh"),
    (Dropout(0.5), None)])
def test_the_activation_that_ends_a_layer(layer, name):
    assert activation_name(layer) == name
