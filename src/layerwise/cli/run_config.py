"""The TOML file ``layerwise train`` and ``layerwise gradcheck`` read: its schema, checked key by key.

```toml
seed = 0                                   # optional (default 0): weights, shuffling, dropout

[model]                                    # a saved model to start from ...
file = "start.keras"
# ... or an input shape and a stack of layers (Keras's serialized form):
# input_shape = [784]
# layers = [{ class_name = "Dense", config = { units = 128, activation = "relu" } },
#           { class_name = "Dense", config = { units = 10, activation = "softmax" } }]

[data]                                     # a dataset's training split, scaled to [0, 1] ...
dataset = "mnist"                          # mnist | fashion_mnist | cifar10
# ... or arrays: x = "x.npy", y = "y.npy"  (paths relative to this file)
limit = 10000                              # optional: the first N samples only
validation_split = 0.1                     # optional

[compile]
optimizer = "sgd"                          # or { class_name = "SGD", config = { learning_rate = 0.1 } }
loss = "sparse_categorical_crossentropy"
metrics = ["accuracy"]                     # optional

[fit]
epochs = 5
batch_size = 128                           # optional (default 32)

[[callbacks]]                              # optional, repeatable: EarlyStopping, ReduceLROnPlateau,
class_name = "EarlyStopping"               # ModelCheckpoint (its filepath relative to the output
config = { monitor = "val_loss", patience = 3 }   # directory) or TerminateOnNaN, with Keras's arguments

[diagnostics]                              # optional; each key switches one callback on
gradient_flow = { every = 50 }
dead_units = { probe = 1000 }              # probe: how many training samples to probe with
activation_stats = { probe = 1000 }
weight_stats = {}

[output]
directory = "runs/mnist"                   # relative to this file
```
Every error names the file, the key, what was expected and what was received.
"""

import os

from layerwise.cli.data import DATASETS
from layerwise.utils._arguments import is_integer

#: Each section's keys: True for required ones.
SCHEMA = {
    "model": {"file": False, "input_shape": False, "layers": False},
    "data": {"dataset": False, "x": False, "y": False, "limit": False, "validation_split": False},
    "compile": {"optimizer": True, "loss": True, "metrics": False},
    "fit": {"epochs": True, "batch_size": False},
    "diagnostics": {"gradient_flow": False, "dead_units": False, "activation_stats": False, "weight_stats": False},
    "output": {"directory": True},
}
REQUIRED_SECTIONS = ("model", "data", "compile", "fit", "output")
#: The callbacks a run file may list: those whose arguments TOML can say.
CALLBACKS = ("EarlyStopping", "ReduceLROnPlateau", "ModelCheckpoint", "TerminateOnNaN")


class ConfigError(ValueError):
    """A run configuration that cannot be used; the message names the file and the key."""


def _toml():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib
        except ModuleNotFoundError:
            raise ConfigError("reading TOML needs Python 3.11 or later, or `pip install tomli`") from None
    return tomllib


class RunConfig:
    """A parsed and checked run configuration: ``section(name)`` is a dict, paths are resolved.

    Args:
        path: the TOML file.

    Raises:
        ConfigError: unreadable TOML, an unknown or missing section or key, or a value of the wrong kind.
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self.root = os.path.dirname(os.path.abspath(self.path))
        try:
            with open(self.path, "rb") as file:
                self.raw = _toml().load(file)
        except OSError as error:
            raise ConfigError(f"{self.path}: {error.strerror or error}") from None
        except ValueError as error:  # tomllib.TOMLDecodeError
            raise ConfigError(f"{self.path}: not valid TOML ({error})") from None
        self._check()

    def fail(self, key, expected, received):
        raise ConfigError(f"{self.path}: {key}: expected {expected}, received {received!r}")

    def section(self, name):
        return self.raw.get(name, {})

    def resolve(self, relative):
        """A path of the config, relative to the config file's directory."""
        return os.path.join(self.root, os.path.expanduser(relative))

    #: The file's sections and their keys, the sections it must have, and its other top-level keys.
    schema, required_sections, top_level = SCHEMA, REQUIRED_SECTIONS, ("callbacks", "seed")

    def _check_sections(self):
        """Known sections and keys only, the required ones present, and a non-negative integer seed."""
        unknown = sorted(set(self.raw) - set(self.schema) - set(self.top_level))
        if unknown:
            self.fail("sections", f"some of {sorted(self.schema)} and {', '.join(map(repr, self.top_level))}",
                      unknown)
        seed = self.raw.get("seed", 0)
        if not is_integer(seed, minimum=0):
            self.fail("seed", "a non-negative integer", seed)
        for name in self.required_sections:
            if not isinstance(self.raw.get(name), dict):
                self.fail(f"[{name}]", "a table", self.raw.get(name))
        for name, keys in self.schema.items():
            section = self.raw.get(name, {})
            if not isinstance(section, dict):
                self.fail(f"[{name}]", "a table", section)
            extra = sorted(set(section) - set(keys))
            if extra:
                self.fail(f"[{name}]", f"keys among {sorted(keys)}", extra)
            missing = [key for key, required in keys.items() if required and key not in section]
            if missing:
                self.fail(f"[{name}] {missing[0]}", "a value", None)

    def _check(self):
        self._check_sections()
        self._check_model(self.section("model"))
        self._check_data(self.section("data"))
        self._check_fit(self.section("fit"))
        callbacks = self.raw.get("callbacks", [])
        if not isinstance(callbacks, list) or not all(
                isinstance(c, dict) and c.get("class_name") in CALLBACKS and set(c) <= {"class_name", "config"}
                and isinstance(c.get("config", {}), dict) for c in callbacks):
            self.fail("[[callbacks]]", f"tables of a class_name among {list(CALLBACKS)} and a config table",
                      callbacks)
        for key, options in self.section("diagnostics").items():
            if not isinstance(options, dict):
                self.fail(f"[diagnostics] {key}", "a table of its options, e.g. {}", options)

    def _check_model(self, model):
        if ("file" in model) == ("layers" in model):
            self.fail("[model]", "either file or input_shape and layers", sorted(model))
        if "file" in model and not isinstance(model["file"], str):
            self.fail("[model] file", "a path", model["file"])
        if "layers" in model:
            shape = model.get("input_shape")
            if not isinstance(shape, list) or not shape or not all(is_integer(d) for d in shape):
                self.fail("[model] input_shape", "a list of positive integers", shape)
            layers = model["layers"]
            if not isinstance(layers, list) or not layers or not all(
                    isinstance(layer, dict) and isinstance(layer.get("class_name"), str) for layer in layers):
                self.fail("[model] layers", "a list of { class_name = ..., config = { ... } }", layers)

    def _check_data(self, data):
        if ("dataset" in data) == ("x" in data or "y" in data):
            self.fail("[data]", "either dataset or x and y", sorted(data))
        if "dataset" in data and data["dataset"] not in DATASETS:
            self.fail("[data] dataset", f"one of {list(DATASETS)}", data["dataset"])
        for key in ("x", "y"):
            if "dataset" not in data and not isinstance(data.get(key), str):
                self.fail(f"[data] {key}", "a path to a .npy file", data.get(key))
        limit = data.get("limit")
        if limit is not None and not is_integer(limit):
            self.fail("[data] limit", "a positive integer", limit)
        split = data.get("validation_split", 0.0)
        if not isinstance(split, (int, float)) or isinstance(split, bool) or not 0 <= split < 1:
            self.fail("[data] validation_split", "a number in [0, 1)", split)

    def _check_fit(self, fit):
        for key in ("epochs", "batch_size"):
            value = fit.get(key, 1)
            if not is_integer(value):
                self.fail(f"[fit] {key}", "a positive integer", value)
