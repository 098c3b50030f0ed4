"""Input and InputLayer: symbolic shapes and their use as a model's first entry."""

import numpy as np
import pytest

import layerwise
from layerwise.layers import Dense, Input, InputLayer


def test_input_gives_a_batch_free_shape():
    tensor = Input(shape=(28, 28))
    assert tensor.shape == (None, 28, 28) and tensor.dtype == np.float32
    assert Input(shape=(3,), batch_size=8).shape == (8, 3)
    assert Input(shape=(3,), dtype="float64").dtype == np.float64
    assert isinstance(tensor.layer, InputLayer)


def test_input_layer_is_the_identity(rng):
    layer = InputLayer(shape=(4,))
    x = rng.normal(size=(2, 4)).astype(np.float32)
    np.testing.assert_array_equal(layer(x), x)
    np.testing.assert_array_equal(layer.backward(x), x)
    with pytest.raises(ValueError, match=r"expected input of shape \(None, 4\), received \(2, 5\)"):
        layer(np.zeros((2, 5)))


def test_input_layer_needs_a_shape():
    with pytest.raises(ValueError, match=r"InputLayer: a shape is required"):
        InputLayer()


def test_input_layer_config_round_trip():
    layer = InputLayer(shape=(3, 2), name="pixels")
    clone = InputLayer.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config() and clone.input_spec == (3, 2)


def test_input_builds_the_sequential_model():
    model = layerwise.Sequential([Input(shape=(6,)), Dense(2)])
    assert model.built and model.input_shape == (None, 6)
    with pytest.raises(ValueError, match="an Input can only come first"):
        model.add(Input(shape=(2,)))
