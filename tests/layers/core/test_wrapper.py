"""Wrapper: the base class that holds a layer, lists it, saves it in its config and rebuilds it."""

import numpy as np
import pytest

from layerwise import layers
from layerwise.layers import serialization


class Doubled(layers.Wrapper):
    """A user's wrapper: y = 2 f(x), written with the base class's shared code only."""

    def build(self, input_shape):
        self.build_wrapped(input_shape)

    def forward(self, x, training=False):
        self.inner_call = self.layer.new_call()
        return 2.0 * self.inner_call(x, training=training)

    def backward(self, dy):
        return self.inner_call.backward(2.0 * dy)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)


def test_the_library_wrappers_are_wrappers():
    for wrapper in (layers.TimeDistributed(layers.Dense(2)), layers.Bidirectional(layers.LSTM(2)),
                    layers.SpectralNormalization(layers.Dense(2))):
        assert isinstance(wrapper, layers.Wrapper)
        assert wrapper.get_config()["layer"]["class_name"] in ("Dense", "LSTM")


def test_a_custom_wrapper_holds_builds_and_trains_the_wrapped_layer(rng):
    inner = layers.Dense(3, name="inner")
    wrapper = Doubled(inner, name="doubled")
    x = rng.normal(size=(4, 5)).astype(np.float32)
    y = wrapper(x)
    np.testing.assert_allclose(y, 2.0 * inner(x), rtol=1e-6)
    assert wrapper.sublayers() == [inner] and wrapper.flatten_layers() == [wrapper, inner]
    assert wrapper.weights == inner.weights and wrapper.dtype == inner.dtype
    wrapper.trainable = False
    assert not inner.trainable and wrapper.trainable_weights == []


def test_the_dtype_defaults_to_the_wrapped_layers():
    assert Doubled(layers.Dense(2, dtype="float64")).dtype == np.float64
    assert Doubled(layers.Dense(2, dtype="float64"), dtype="float32").dtype == np.float32


def test_a_custom_wrapper_round_trips_its_config_with_the_wrapped_layer(rng):
    wrapper = Doubled(layers.Dense(3, activation="tanh", name="inner"), name="doubled")
    x = rng.normal(size=(4, 5)).astype(np.float32)
    wrapper(x)
    config = serialization.serialize(wrapper)
    assert config["config"]["layer"] == serialization.serialize(wrapper.layer)
    clone = serialization.deserialize(config, custom_objects={"Doubled": Doubled})
    assert isinstance(clone.layer, layers.Dense) and clone.layer is not wrapper.layer
    assert clone.layer.name == "inner" and clone.layer.activation.name == "tanh"
    clone(x)
    clone.set_weights(wrapper.get_weights())
    np.testing.assert_array_equal(clone(x), wrapper(x))


def test_the_wrapped_layer_must_be_a_layer_and_wrapper_has_no_call_of_its_own():
    with pytest.raises(ValueError, match=r"Doubled: layer must be a Layer instance, received 'dense'"):
        Doubled("dense")
    with pytest.raises(ValueError, match="TimeDistributed: layer must be a Layer instance"):
        layers.TimeDistributed({"class_name": "Dense", "config": {"units": 2}})
    with pytest.raises(NotImplementedError, match="Wrapper does not implement forward"):
        layers.Wrapper(layers.Dense(2))(np.ones((1, 3)))
