"""The public API mirrors Keras's module layout, takes Keras's string identifiers and defaults, and
importing layerwise pulls in neither matplotlib, the CLI, the lab, Optuna nor Dask."""

import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import layerwise

KERAS_MODULES = ["layers", "models", "optimizers", "losses", "metrics", "activations", "initializers",
                 "regularizers", "constraints", "callbacks", "datasets", "utils", "config", "backend"]


@pytest.mark.parametrize("name", KERAS_MODULES)
def test_keras_module_layout(name):
    module = importlib.import_module(f"layerwise.{name}")
    assert getattr(layerwise, name) is module
    for exported in getattr(module, "__all__", []):
        assert hasattr(module, exported), f"layerwise.{name}.__all__ names a missing {exported}"


def test_top_level_names():
    assert layerwise.Sequential is layerwise.models.Sequential
    assert layerwise.Input is layerwise.layers.Input
    assert all(hasattr(layerwise, name) for name in layerwise.__all__)
    assert layerwise.datasets.mnist.load_data is not None
    assert layerwise.utils.to_categorical is not None and layerwise.utils.set_random_seed is not None
    assert layerwise.config.floatx() == "float32"


@pytest.mark.parametrize("module, names", [
    ("layers", ["Dense", "Activation", "Flatten", "Reshape", "Input", "InputLayer", "ReLU", "LeakyReLU",
                "PReLU", "ELU", "Softmax", "Layer"]),
    ("losses", ["MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossentropy",
                "CategoricalCrossentropy", "SparseCategoricalCrossentropy", "KLDivergence",
                "mean_squared_error", "categorical_crossentropy", "get"]),
    ("initializers", ["Zeros", "Ones", "Constant", "RandomNormal", "RandomUniform", "TruncatedNormal",
                      "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "LecunNormal", "LecunUniform",
                      "Orthogonal", "VarianceScaling", "get"]),
    ("activations", ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "softmax",
                     "hard_sigmoid", "get"]),
    ("optimizers", ["SGD", "Optimizer", "get"]),
    ("callbacks", ["Callback", "History", "ProgbarLogger"]),
    ("metrics", ["BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy", "get"]),
])
def test_keras_class_and_function_names(module, names):
    namespace = getattr(layerwise, module)
    assert [name for name in names if not hasattr(namespace, name)] == []


def test_keras_defaults():
    dense = inspect.signature(layerwise.layers.Dense).parameters
    assert dense["activation"].default is None and dense["use_bias"].default is True
    assert dense["kernel_initializer"].default == "glorot_uniform" and dense["bias_initializer"].default == "zeros"
    sgd = layerwise.optimizers.SGD()
    assert (sgd.learning_rate, sgd.momentum, sgd.nesterov) == (0.01, 0.0, False)
    fit = inspect.signature(layerwise.Sequential.fit).parameters
    assert fit["epochs"].default == 1 and fit["shuffle"].default is True and fit["validation_split"].default == 0.0
    assert layerwise.config.epsilon() == 1e-7


def test_a_keras_script_runs_with_string_identifiers():
    """Lecture 003's script, with Keras's imports swapped for layerwise's."""
    from layerwise.layers import Dense
    from layerwise.models import Sequential
    from layerwise.optimizers import SGD

    model = Sequential()
    model.add(Dense(units=16, activation="relu", kernel_initializer="he_normal", input_dim=8))
    model.add(Dense(units=3, activation="softmax"))
    with pytest.warns(DeprecationWarning, match="SGD: the argument lr is Keras 2's; use learning_rate"):
        model.compile(loss="categorical_crossentropy", optimizer=SGD(lr=0.1), metrics=["accuracy"])
    model.compile(loss="categorical_crossentropy", optimizer="sgd", metrics=["acc"])
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 8))
    y = layerwise.utils.to_categorical(rng.integers(0, 3, size=20), num_classes=3)
    model.fit(x, y, batch_size=5, epochs=2, verbose=0)
    loss, accuracy = model.evaluate(x, y, verbose=0)
    assert np.isfinite(loss) and 0 <= accuracy <= 1
    assert model.predict(x, verbose=0).shape == (20, 3)


def test_import_pulls_in_neither_matplotlib_nor_the_cli_nor_the_lab_nor_optuna_nor_dask_nor_numba():
    src = Path(layerwise.__file__).resolve().parents[1]
    script = ("import sys; import layerwise; "
              "print(sorted(m for m in sys.modules if m.split('.')[0] in "
              "('matplotlib', 'layerwise_lab', 'torch', 'sklearn', 'optuna', 'dask', 'distributed', 'numba') "
              "or m.startswith('layerwise.cli')))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={"PYTHONPATH": str(src), "PATH": "/usr/bin:/bin"})
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("family, obj", [
    ("losses", layerwise.losses.Huber(delta=2.0)), ("metrics", layerwise.metrics.MeanSquaredError(name="m")),
    ("optimizers", layerwise.optimizers.Adam(0.5)), ("initializers", layerwise.initializers.Constant(2.0)),
    ("regularizers", layerwise.regularizers.L2(0.5)), ("constraints", layerwise.constraints.MaxNorm(3.0))])
def test_every_family_deserializes_what_it_serializes(family, obj):
    module = getattr(layerwise, family)
    clone = module.deserialize(module.serialize(obj))
    assert type(clone) is type(obj) and clone.get_config() == obj.get_config()


def test_deserialize_finds_custom_objects_and_activations_by_name():
    class Twice(layerwise.losses.MeanSquaredError):
        pass

    config = {"class_name": "Twice", "config": {"name": "twice"}}
    assert type(layerwise.losses.deserialize(config, custom_objects={"Twice": Twice})) is Twice
    assert layerwise.activations.deserialize(layerwise.activations.serialize(
        layerwise.activations.get("elu", alpha=0.5))).kwargs == {"alpha": 0.5}
