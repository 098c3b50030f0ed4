"""One registry design: every family refuses a second object under a taken name; Keras's custom objects."""

import threading

import numpy as np
import pytest

import layerwise
from layerwise import activations, constraints, initializers, losses, metrics, optimizers, regularizers, saving
from layerwise.errors import ModelFileError
from layerwise.layers import Dense, Layer, serialization
from layerwise.optimizers import schedules
from layerwise.utils.registry import Registry

# Each family's registry and a name it holds.
FAMILIES = {
    "layers": (serialization.LAYERS, "Dense"),
    "models": (serialization.LAYERS, "Sequential"),
    "losses": (losses._TABLE, "mse"),
    "metrics": (metrics._TABLE, "mae"),
    "optimizers": (optimizers._TABLE, "SGD"),
    "schedules": (schedules._TABLE, "ExponentialDecay"),
    "initializers": (initializers._TABLE, "he_normal"),
    "regularizers": (regularizers._TABLE, "l2"),
    "constraints": (constraints._TABLE, "max_norm"),
    "activations": (activations._TABLE, "relu"),
}


class _Impostor:
    def get_config(self):
        return {}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_refuses_a_second_object_under_a_taken_name(family):
    registry, name = FAMILIES[family]
    taken = registry[name]
    with pytest.raises(ValueError, match=rf"'{name}' is already registered to .*; cannot register .*_Impostor"):
        registry[name] = _Impostor
    assert registry[name] is taken
    registry[name] = taken  # the same object again is no second registration


def test_a_redefinition_replaces_its_earlier_self():
    registry = Registry("shape")
    first = type("Square", (), {"__module__": "notebook"})
    second = type("Square", (), {"__module__": "notebook"})  # the cell run again
    registry.register(first)
    registry.register(second)
    assert registry["Square"] is second


def test_the_two_normalization_classes_do_not_collide():
    from layerwise.layers.normalization._base import Normalization as NormalizationBase

    assert serialization.LAYERS["Normalization"] is layerwise.layers.Normalization
    assert not serialization.LAYERS.holds(NormalizationBase)


def test_a_foreign_class_of_a_builtin_name_does_not_shadow_it():
    class Dense(Layer):  # noqa: F811  (a user's class that happens to share a layerwise name)
        pass

    layer = layerwise.layers.Dense(2, name="d")
    assert type(serialization.deserialize(serialization.serialize(layer))) is layerwise.layers.Dense


def test_both_normalization_layers_round_trip_through_a_model_file(tmp_path, rng):
    x = rng.normal(size=(8, 3)).astype("float32")
    model = layerwise.Sequential([
        layerwise.Input(shape=(3,)), layerwise.layers.Normalization(mean=[1.0, 0.0, -1.0], variance=[4.0, 1.0, 0.25]),
        layerwise.layers.BatchNormalization(), layerwise.layers.LayerNormalization(), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, rng.normal(size=(8, 2)).astype("float32"), epochs=1, verbose=0)
    model.save(tmp_path / "m.lw")
    loaded = layerwise.models.load_model(tmp_path / "m.lw")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


class _Scale(Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def forward(self, x, training=False):
        return self.factor * x

    def backward(self, dy):
        return self.factor * dy

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def _saved_scale_model(tmp_path, layer):
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layer])
    model.save(tmp_path / "m.lw")
    return tmp_path / "m.lw"


def test_register_keras_serializable_names_and_finds_a_class(tmp_path):
    registered = saving.register_keras_serializable(package="registry_test")(type("Triple", (_Scale,), {}))
    assert saving.get_registered_name(registered) == "registry_test>Triple"
    assert saving.get_custom_objects()["registry_test>Triple"] is registered
    path = _saved_scale_model(tmp_path, registered(factor=3.0))
    np.testing.assert_array_equal(layerwise.models.load_model(path).predict(np.ones((1, 2))), [[3.0, 3.0]])
    with pytest.raises(ValueError, match="'registry_test>Triple' is already registered"):
        saving.register_keras_serializable(package="registry_test", name="Triple")(type("Other", (_Scale,), {}))
    with pytest.raises(ValueError, match="has no get_config"):
        saving.register_keras_serializable()(type("Bare", (), {}))
    assert saving.register_serializable is saving.register_keras_serializable


def test_custom_object_scope_finds_classes_only_inside_it(tmp_path):
    path = _saved_scale_model(tmp_path, _Scale(factor=4.0))
    with pytest.raises(ModelFileError, match="Unknown layer class '_Scale'"):
        layerwise.models.load_model(path)
    with saving.custom_object_scope({"_Scale": _Scale}):
        with saving.CustomObjectScope({"Other": Dense}):  # nested scopes add up
            loaded = layerwise.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 2))), [[4.0, 4.0]])
    assert saving.get_registered_object("_Scale") is None
    with pytest.raises(TypeError, match="custom_objects must be a dict.*received"):
        saving.custom_object_scope([_Scale])


def test_a_scope_belongs_to_its_thread():
    seen = []
    with saving.custom_object_scope({"_Scale": _Scale}):
        thread = threading.Thread(target=lambda: seen.append(saving.get_registered_object("_Scale")))
        thread.start()
        thread.join()
    assert seen == [None]


def test_get_custom_objects_is_live_and_keeps_names(tmp_path):
    path = _saved_scale_model(tmp_path, _Scale(factor=5.0))
    saving.get_custom_objects()["_Scale"] = _Scale
    try:
        loaded = layerwise.models.load_model(path)
        with pytest.raises(ValueError, match="'_Scale' is already registered"):
            saving.get_custom_objects()["_Scale"] = Dense
    finally:
        del saving.get_custom_objects()["_Scale"]
    np.testing.assert_array_equal(loaded.predict(np.ones((1, 2))), [[5.0, 5.0]])


@pytest.mark.parametrize("obj", [losses.MeanSquaredError(), metrics.MeanSquaredError(name="m"),
                                 optimizers.Adam(learning_rate=0.5), initializers.HeNormal(seed=3),
                                 regularizers.L2(0.5), constraints.MaxNorm(2.0),
                                 schedules.ExponentialDecay(0.1, 10, 0.5), Dense(3, name="dense_round_trip")],
                         ids=lambda obj: type(obj).__name__)
def test_serialize_keras_object_round_trips_every_family(obj):
    config = saving.serialize_keras_object(obj)
    assert config["class_name"] == type(obj).__name__
    copy = saving.deserialize_keras_object(config)
    assert type(copy) is type(obj) and copy.get_config() == obj.get_config()


def test_deserialize_keras_object_plain_values_custom_objects_and_errors():
    assert saving.deserialize_keras_object([1, "a", None]) == [1, "a", None]
    config = saving.serialize_keras_object(_Scale(factor=6.0, name="s"))
    assert "module" not in config and config["class_name"] == "_Scale"
    assert saving.deserialize_keras_object(config, custom_objects={"_Scale": _Scale}).factor == 6.0
    with pytest.raises(ValueError, match="'_Scale' is unknown"):
        saving.deserialize_keras_object(config)
    with pytest.raises(ValueError, match="'MeanSquaredError' names several classes"):
        saving.deserialize_keras_object({"class_name": "MeanSquaredError", "config": {}})
    with pytest.raises(TypeError, match="has no get_config"):
        saving.serialize_keras_object(object())


def test_keras_names_are_in_saving_and_utils():
    names = ["CustomObjectScope", "custom_object_scope", "get_custom_objects", "register_keras_serializable",
             "serialize_keras_object", "deserialize_keras_object", "get_registered_name", "get_registered_object"]
    for name in names:
        assert getattr(layerwise.saving, name) is getattr(layerwise.utils, name)
    assert saving.custom_object_scope is saving.CustomObjectScope
