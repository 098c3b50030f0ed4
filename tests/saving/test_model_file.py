"""Whole-model files: exact round trips for every layer, exact continuation of fit, custom classes."""

import zipfile

import numpy as np
import pytest

import layerwise
from layerwise.errors import ModelFileError
from layerwise.layers import Dense, Layer
from layerwise.models import load_model
from layerwise.saving import register_serializable

from saving_helpers import layer_cases, tiny_data, tiny_model

CASES = layer_cases()


def _assert_same_weights(a, b):
    assert len(a.weights) == len(b.weights)
    for p, q in zip(a.weights, b.weights):
        assert p.value.dtype == q.value.dtype
        np.testing.assert_array_equal(p.value, q.value)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_layer_round_trips_bit_identically(case, tmp_path, rng):
    model = layerwise.Sequential([layerwise.Input(shape=case.input_shape[1:]), case.factory()])
    model.compile(optimizer=layerwise.optimizers.SGD(0.05, momentum=0.5), loss="mse")
    x = case.sample(rng, "float32")
    y = rng.normal(size=model.compute_output_shape(x.shape)).astype("float32")
    model.train_on_batch(x, y)
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw")
    assert loaded.get_config() == model.get_config()
    assert [p.name for p in loaded.weights] == [p.name for p in model.weights]
    _assert_same_weights(model, loaded)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    # A layer without a seed draws from the library's generator, which the file leaves alone (it
    # belongs to the whole program): each model's next step starts from the same library state.
    losses = []
    for trained in (model, loaded):
        layerwise.utils.set_random_seed(11)
        losses.append(trained.train_on_batch(x, y))
    assert losses[0] == losses[1]
    _assert_same_weights(model, loaded)


def test_fit_continues_exactly_after_save_and_load(tmp_path):
    x, y = tiny_data()
    layerwise.utils.set_random_seed(7)
    straight = tiny_model(train=False)
    straight.fit(x, y, epochs=2, batch_size=5, verbose=0)

    layerwise.utils.set_random_seed(7)
    resumed = tiny_model(train=False)
    resumed.fit(x, y, epochs=1, batch_size=5, verbose=0)
    resumed.save(tmp_path / "m.lw")
    del resumed
    loaded = load_model(tmp_path / "m.lw")
    assert loaded.optimizer.iterations == 5 and loaded.optimizer.momentum == 0.9
    loaded.fit(x, y, epochs=2, initial_epoch=1, batch_size=5, verbose=0)
    assert loaded.optimizer.iterations == straight.optimizer.iterations == 10
    _assert_same_weights(straight, loaded)


def test_file_layout_is_documented_zip_and_deterministic(saved_model, tmp_path):
    model, path = saved_model
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist() == ["layerwise.json", "config.json", "model.safetensors",
                                      "optimizer.safetensors"]
        assert all(info.compress_type == zipfile.ZIP_STORED for info in archive.infolist())
    model.save(tmp_path / "again.lw")
    assert (tmp_path / "again.lw").read_bytes() == path.read_bytes()


def test_uncompiled_and_unbuilt_models_round_trip(tmp_path):
    model = layerwise.Sequential([Dense(3), Dense(2)])
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw")
    assert loaded.loss is None and not loaded.built and len(loaded.layers) == 2


def test_compiled_but_untrained_model_trains_like_the_original(tmp_path):
    model = tiny_model(train=False)
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw")
    x, y = tiny_data()
    assert loaded.train_on_batch(x, y) == model.train_on_batch(x, y)
    _assert_same_weights(model, loaded)


class _Scale(Layer):
    """A custom layer with one weight, for the registration tests."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight("scale", (input_shape[-1],), "ones")

    def forward(self, x, training=False):
        return x * self.scale.value * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_custom_layer_by_registration_or_custom_objects(tmp_path):
    registered = register_serializable(package="tests")(type("RegisteredScale", (_Scale,), {}))
    for layer, custom_objects in ((registered(factor=3.0), None), (_Scale(factor=3.0), {"_Scale": _Scale})):
        model = layerwise.Sequential([layerwise.Input(shape=(2,)), layer])
        model.layers[0].scale.assign(np.array([1.5, -2.0]))
        model.save(tmp_path / "m.lw")
        loaded = load_model(tmp_path / "m.lw", custom_objects=custom_objects)
        np.testing.assert_array_equal(loaded.predict(np.ones((1, 2))), [[4.5, -6.0]])
    assert model.get_config()["layers"][0]["class_name"] == "_Scale"
    with pytest.raises(ModelFileError, match="_Scale.*register_keras_serializable"):
        load_model(tmp_path / "m.lw")


def test_registering_a_name_twice_is_refused():
    register_serializable(package="tests2")(_Scale)
    with pytest.raises(ValueError, match="already registered"):
        register_serializable(package="tests2", name="_Scale")(type("Other", (Layer,), {}))


class _ArrayFactor(_Scale):
    """A custom layer whose get_config returns a NumPy array, which JSON cannot hold."""

    def get_config(self):
        return {**super().get_config(), "factor": np.array([self.factor])}


def _lambda_learning_rate():
    model = tiny_model(train=False)
    model.optimizer.learning_rate = lambda step: 0.1
    return model


def _array_in_layer_config():
    return layerwise.Sequential([layerwise.Input(shape=(2,)), _ArrayFactor(name="array_factor")])


@pytest.mark.parametrize("make_model, problem", [
    (_lambda_learning_rate, r"Cannot serialize learning rate <function .*<lambda>.*LearningRateSchedule"),
    (_array_in_layer_config, r"cannot be written as JSON \(Object of type ndarray"),
], ids=["lambda_learning_rate", "array_in_layer_config"])
def test_unserializable_config_fails_at_save_time_naming_the_problem(make_model, problem, tmp_path):
    with pytest.raises(ValueError, match=problem):
        make_model().save(tmp_path / "m.lw")
    assert list(tmp_path.iterdir()) == []


class _DecayingSGD(layerwise.optimizers.SGD):
    """SGD whose step shrinks by a running product: state outside the slots and iterations."""

    state_attributes = ("scale",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale = 1.0

    def update_step(self, parameter, slots, learning_rate):
        self.scale *= 0.9
        super().update_step(parameter, slots, learning_rate * self.scale)


OPTIMIZERS = {**{cls.__name__: (lambda cls=cls: cls()) for cls in layerwise.optimizers._TABLE.values()
                 if cls is not layerwise.optimizers.LossScaleOptimizer},
              # The scale doubles after every good step and Nadam keeps a state attribute of its own.
              "LossScaleOptimizer": lambda: layerwise.optimizers.LossScaleOptimizer(
                  layerwise.optimizers.Nadam(), initial_scale=2.0 ** 12, dynamic_growth_steps=1),
              "sgd_nesterov": lambda: layerwise.optimizers.SGD(0.1, momentum=0.9, nesterov=True),
              "state_attributes": lambda: _DecayingSGD(learning_rate=0.1)}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_resumes_exactly(name, tmp_path):
    x, y = tiny_data()

    def fresh():
        layerwise.layers.base.clear_session()
        layerwise.utils.set_random_seed(1)
        model = layerwise.Sequential([layerwise.Input(shape=(4,)), Dense(3, activation="softmax")])
        model.compile(optimizer=OPTIMIZERS[name](), loss="categorical_crossentropy")
        return model

    straight = fresh()
    for _ in range(4):
        straight.train_on_batch(x, y)
    resumed = fresh()
    for _ in range(2):
        resumed.train_on_batch(x, y)
    resumed.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw", custom_objects={"_DecayingSGD": _DecayingSGD})
    for _ in range(2):
        loaded.train_on_batch(x, y)
    _assert_same_weights(straight, loaded)
    assert loaded.optimizer.iterations == 4


def test_metric_objects_and_their_names_survive(tmp_path):
    model = layerwise.Sequential([layerwise.Input(shape=(4,)), Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy",
                  metrics=["accuracy", layerwise.metrics.CategoricalAccuracy(name="hits")])
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw")
    logs = loaded.evaluate(*tiny_data(), verbose=0, return_dict=True)
    assert list(logs) == ["loss", "accuracy", "hits"] and logs["hits"] == logs["accuracy"]


class _Noisy(Layer):
    """Adds noise from its own generator in training: its stream must continue after loading."""

    def __init__(self, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.seed, self.rng = seed, np.random.default_rng(seed)

    def forward(self, x, training=False):
        return x + self.rng.normal(size=x.shape).astype(x.dtype) if training else x

    def backward(self, dy):
        return dy

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


def test_layer_owned_generators_continue_after_loading(tmp_path):
    model = layerwise.Sequential([layerwise.Input(shape=(4,)), _Noisy(seed=5), Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x, y = tiny_data()
    model.train_on_batch(x, y)
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw", custom_objects={"_Noisy": _Noisy})
    assert loaded.layers[0].rng.bit_generator.state == model.layers[0].rng.bit_generator.state
    assert loaded.train_on_batch(x, y) == model.train_on_batch(x, y)


def test_repeated_weight_names_are_refused_at_save_time(tmp_path):
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(2, name="twin"), Dense(2, name="twin")])
    with pytest.raises(ValueError, match=r"names must be unique.*twin/bias"):
        model.save(tmp_path / "m.lw")
    with pytest.raises(ValueError, match="names must be unique"):
        model.save_weights(tmp_path / "w.safetensors")
