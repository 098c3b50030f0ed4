"""Whole-model files and weight files: what goes in them, and how a model is rebuilt from them.

A model file (format version 2) is a stored zip (see `layerwise.saving.archive`) holding:

- ``layerwise.json``, the manifest: ``{"format": "layerwise.model", "format_version": 2, "layerwise_version":
  ..., "entries": {name: {"size": bytes, "sha256": hex digest}}}`` for every other entry;
- ``config.json``: ``{"model": {"class_name", "config"}, "compile": {"optimizer", "loss" (a list of one
  loss per output for a model of several), "loss_weights" (null or one per output), "metrics"} or null,
  "generators": {layer name: {attribute: bit generator state}}}``;
- ``model.safetensors``: every weight, keyed by its `Parameter` name ("dense/kernel");
- ``optimizer.safetensors`` (compiled models): ``iterations``, every optimizer slot keyed
  "<parameter name>/<slot>" (`Optimizer.slot_variables`), and "attribute:<name>" for each of the
  optimizer's `state_attributes`; a learning-rate schedule resumes from ``iterations``;
- ``training_state.json`` (backups only, see `layerwise.callbacks.BackupAndRestore`).

A layer takes part through its ``get_config``/``from_config`` and its weights alone; a model class
through ``get_config``, ``from_config(config, custom_objects)``, ``weights`` and, if it has them,
``layers`` (whose np.random.Generator attributes are saved, so dropout masks continue exactly).
Loading a model leaves the library's random generator where it was (the initializers' draws are
undone), so shuffling continues as if the model had stayed in memory.

Every byte is checked: each entry has its zip CRC-32 and the manifest's size and SHA-256, and the
entries present must be exactly those the manifest lists, so a missing or corrupted entry (the optimizer
state included) is a `ModelFileError`, never a silent fallback; a compiled model must have its optimizer
state. Files of format version 1 (no entry list) are still read, with their CRC-32s and the rule that a
compiled model has an optimizer state.

Limits, all checked before anything is allocated for them: the first four bytes must be a zip's magic
before the rest of the file is read (so ``load_model("/dev/zero")`` fails at once); a JSON entry
(manifest, config, training state) is at most `MAX_JSON_BYTES` (64 MiB, a few hundred thousand layers);
a safetensors header at most `layerwise.saving.safetensors.MAX_HEADER_BYTES` (16 MiB); every tensor's
claimed shape must fill exactly its bytes in the file; and the layers that config.json describes may
create weights of at most as many values as model.safetensors holds (a config asking for a huge layer is
refused before the layer allocates it). Loading takes time linear in the file's size and the model's
depth.
"""

import collections
import hashlib
import io
import json
import math
import os

import numpy as np

from layerwise import losses, metrics, optimizers
from layerwise._version import __version__
from layerwise.errors import ModelFileError
from layerwise.layers import serialization
from layerwise.layers._traced import weight_paths
from layerwise.layers.serialization import lookup
from layerwise.saving import archive, safetensors
from layerwise.utils import random as layerwise_random
from layerwise.utils.registry import custom_object_scope
from layerwise.utils.serialization_lib import serialize_keras_object

FORMAT = "layerwise.model"
FORMAT_VERSION = 2
MAX_JSON_BYTES = 64 * 2**20
# Every entry a model file may hold, with the largest size accepted (None: bounded by the file alone).
ENTRIES = {archive.MANIFEST: MAX_JSON_BYTES, "config.json": MAX_JSON_BYTES, "model.safetensors": None,
           "optimizer.safetensors": None, "training_state.json": MAX_JSON_BYTES}
_ATTRIBUTE = "attribute:"
# What a layer's constructor or from_config raises on arguments that make no sense.
_BUILD_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, MemoryError)


def _json(value) -> bytes:
    try:
        return json.dumps(value, indent=1, sort_keys=True).encode()
    except (TypeError, ValueError) as error:
        raise ValueError(f"save: the model's configuration cannot be written as JSON ({error}); give "
                         "custom layers, losses and schedules a get_config returning plain values") from None


def _safetensors_bytes(tensors) -> bytes:
    buffer = io.BytesIO()
    safetensors.write(buffer, tensors)
    return buffer.getvalue()


def _named(items, what, model):
    counts = collections.Counter(item.name for item in items)
    duplicates = sorted(name for name, count in counts.items() if count > 1)
    if duplicates:
        raise ValueError(f"{model.name}: {what} names must be unique to be saved, repeated: {duplicates}")
    return {item.name: item for item in items}


def weight_keys(model) -> dict:
    """{key: parameter}: the weights by name, or, for a model written with ``call``, by the path of attributes
    that leads to each (`layerwise.layers._traced.weight_paths`), so that a new instance of its class, whose
    layers are named anew, finds them under the same keys (as Keras loads a subclassed model's weights)."""
    return weight_paths(model) if model.derives_backward else _named(model.weights, "weight", model)


def _slots_by_key(model, entries, reverse=False) -> dict:
    """The optimizer's entries with each slot ``"<parameter name>/<slot>"`` keyed ``"<weight key>/<slot>"``
    (`weight_keys`) instead, or back with ``reverse``; the other entries (``iterations`` ...) unchanged."""
    if not model.derives_backward:
        return entries
    renamed = {}
    for key, parameter in weight_keys(model).items():
        old, new = (key + "/", parameter.name + "/") if reverse else (parameter.name + "/", key + "/")
        renamed.update({name: new + name[len(old):] for name in entries
                        if name.startswith(old) and "/" not in name[len(old):]})
    return {renamed.get(name, name): value for name, value in entries.items()}


def _compile_config(model):
    if model.loss is None:
        return None
    # A model of several outputs was compiled with a loss and a weight per output: store those, not their sum.
    per_output = getattr(model.loss, "losses", None)
    return {"optimizer": serialize_keras_object(model.optimizer),
            "loss": serialize_keras_object(per_output if per_output is not None else model.loss),
            "loss_weights": getattr(model.loss, "weights", None),
            "metrics": serialize_keras_object(model._metric_identifiers)}


def _metrics(items):
    """The compiled metrics of a file: names, configs, and one list per output for a model of several."""
    return [_metrics(m) if isinstance(m, list) else m if isinstance(m, str) else metrics.get(m) for m in items]


def generator_states(model) -> dict:
    """The state of every np.random.Generator a layer owns (the library's own is left to backups)."""
    shared = layerwise_random.generator()
    states = {}
    for layer in model.flatten_layers():
        owned = {k: v.bit_generator.state for k, v in vars(layer).items()
                 if isinstance(v, np.random.Generator) and v is not shared}
        if owned:
            states[layer.name] = owned
    return states


def set_generator_state(generator, state, where) -> None:
    try:
        generator.bit_generator.state = state
    except (TypeError, ValueError, KeyError) as error:
        raise ModelFileError(f"{where}: invalid random generator state ({error})") from None


def optimizer_state(optimizer) -> dict:
    """``iterations``, ``attribute:<name>`` for each of its `state_attributes`, and every slot."""
    state = dict(optimizer.slot_variables(), iterations=np.int64(optimizer.iterations))
    for name in optimizer.state_attributes:
        state[f"{_ATTRIBUTE}{name}"] = np.float64(getattr(optimizer, name))
    return state


def model_entries(model) -> dict:
    """The entries of a model file for ``model`` (``{name: bytes}``), without the manifest."""
    description = serialize_keras_object(model)
    if model.derives_backward and model.built:
        # Keras's build config: a model written with ``call`` creates its weights by calling itself.
        description["build_config"] = {"input_shape": [None, *model.sample_shapes] if model.single_input
                                       else [[None, *shape] for shape in model.sample_shapes]}
    config = {"model": description, "compile": _compile_config(model), "generators": generator_states(model)}
    entries = {"config.json": _json(config),
               "model.safetensors": _safetensors_bytes({key: p.value for key, p in weight_keys(model).items()})}
    if model.optimizer is not None:
        entries["optimizer.safetensors"] = _safetensors_bytes(_slots_by_key(model, optimizer_state(model.optimizer)))
    return entries


def _entry_record(data: bytes) -> dict:
    return {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def write_model_file(filepath, entries) -> None:
    """Write ``entries`` and the manifest listing them with their sizes and SHA-256s, atomically."""
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "layerwise_version": __version__,
                "entries": {name: _entry_record(data) for name, data in entries.items()}}
    archive.write_archive(filepath, {archive.MANIFEST: _json(manifest), **entries})


def save_model(model, filepath) -> None:
    """Write ``model`` to one file, atomically (the format is described in this module's docstring).

    Example:
        >>> import os, tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> model = layerwise.Sequential([layerwise.Input((2,)), layerwise.layers.Dense(1, kernel_initializer="ones")])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "model.keras")
        ...     save_model(model, path)
        ...     restored = load_model(path)
        >>> restored.predict(np.array([[1.0, 2.0]]), verbose=0).tolist()  # 1 + 2, with the saved weights
        [[3.0]]
    """
    write_model_file(filepath, model_entries(model))


def _check_entries(manifest, entries, where) -> None:
    """The entries must be exactly those the manifest lists, each of the size and SHA-256 it records."""
    listed = manifest.get("entries")
    if not isinstance(listed, dict):
        raise ModelFileError(f"{where}: {archive.MANIFEST} has no list of entries")
    present = set(entries) - {archive.MANIFEST}
    if present != set(listed):
        raise ModelFileError(f"{where}: the file's entries {sorted(present)} are not those its manifest lists "
                             f"{sorted(listed)} (missing: {sorted(set(listed) - present)})")
    for name in sorted(listed):
        if listed[name] != _entry_record(entries[name]):
            raise ModelFileError(f"{where}: the entry {name!r} is corrupted (its size or SHA-256 differs from "
                                 "the manifest's)")


def read_model_file(filepath) -> dict:
    """The checked entries of a model file: manifest validated, JSON parsed, tensors decoded."""
    where = os.fspath(filepath)
    entries = archive.read_archive(safetensors.read_bytes(filepath, archive.check_magic), where, ENTRIES)
    manifest = safetensors.parse_json(entries[archive.MANIFEST], f"{where}: {archive.MANIFEST}")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelFileError(f"{where}: {archive.MANIFEST} does not name the {FORMAT!r} format")
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ModelFileError(f"{where}: invalid format_version {version!r}")
    if version > FORMAT_VERSION:
        raise ModelFileError(f"{where} was written by a newer layerwise (format version {version}, "
                             f"layerwise {manifest.get('layerwise_version')}); this version reads up to "
                             f"{FORMAT_VERSION}: upgrade layerwise")
    if version >= 2:
        _check_entries(manifest, entries, where)
    for name in ("config.json", "model.safetensors"):
        if name not in entries:
            raise ModelFileError(f"{where}: the entry {name!r} is missing")
    result = {"config": safetensors.parse_json(entries["config.json"], f"{where}: config.json")}
    if not isinstance(result["config"], dict) or not isinstance(result["config"].get("model"), dict):
        raise ModelFileError(f"{where}: config.json has no model description")
    for name in ("model.safetensors", "optimizer.safetensors"):
        if name in entries:
            result[name] = safetensors.loads(entries[name], f"{where}: {name}")[0]
    if "training_state.json" in entries:
        result["training_state"] = safetensors.parse_json(entries["training_state.json"],
                                                          f"{where}: training_state.json")
    return result


def _listing(names, limit=10):
    names = sorted(names)
    return ", ".join(names[:limit]) + (f" and {len(names) - limit} more" if len(names) > limit else "")


def assign_by_name(targets, arrays, what, where) -> None:
    """Copy ``arrays[name]`` into ``targets[name]`` (live arrays) after checking names and shapes."""
    missing, unexpected = set(targets) - set(arrays), set(arrays) - set(targets)
    misshaped = [f"{n} (model {targets[n].shape}, file {arrays[n].shape})"
                 for n in sorted(set(targets) & set(arrays)) if targets[n].shape != arrays[n].shape]
    if missing or unexpected or misshaped:
        problems = [f"{label}: {_listing(names)}" for label, names in
                    (("missing", missing), ("unexpected", unexpected), ("mis-shaped", misshaped)) if names]
        raise ModelFileError(f"{where}: the {what} do not match the model; " + "; ".join(problems))
    for name, target in targets.items():
        target[...] = arrays[name]


def assign_weights(model, tensors, where) -> None:
    try:
        named = weight_keys(model)
    except ValueError as error:  # a crafted config may give two layers one name
        raise ModelFileError(f"{where}: {error}") from None
    targets = {name: p.value for name, p in named.items()}
    assign_by_name(targets, tensors, "weights", where)


def assign_optimizer_state(model, tensors, where) -> None:
    """Rebuild the slots of the parameters the file has state for, fill them, and set iterations
    and the state attributes."""
    optimizer = model.optimizer
    tensors = _slots_by_key(model, dict(tensors), reverse=True)
    iterations = tensors.pop("iterations", None)
    if iterations is None or iterations.shape != () or iterations.dtype.kind not in "iu" or iterations < 0:
        raise ModelFileError(f"{where}: the optimizer state has no valid 'iterations' counter")
    attributes = {name: np.empty((), np.float64) for name in optimizer.state_attributes}
    assign_by_name(attributes, {name[len(_ATTRIBUTE):]: tensors.pop(name) for name in list(tensors)
                                if name.startswith(_ATTRIBUTE)}, "optimizer state attributes", where)
    parameters = _named(model.trainable_weights, "weight", model)
    with_state = {name.rsplit("/", 1)[0] for name in tensors}
    optimizer.build([p for name, p in parameters.items() if name in with_state])
    assign_by_name(optimizer.slot_variables(), tensors, "optimizer state", where)
    optimizer.iterations = int(iterations)
    for name, value in attributes.items():
        setattr(optimizer, name, float(value))


def _build_shape(build_config, weight_values):
    """The input shape of a build config, checked: the model builds by calling itself on one sample of zeros,
    so each input must be a list of sizes (None first) whose sample holds no more values than the file."""
    shape = build_config.get("input_shape") if isinstance(build_config, dict) else None
    shapes = shape if isinstance(shape, list) and shape and isinstance(shape[0], list) else [shape]
    for item in shapes:
        if not (isinstance(item, list) and item and item[0] is None and all(
                isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in item[1:])):
            raise ValueError(f"build_config's input_shape must be [None, sizes...] or a list of them, received "
                             f"{shape!r}")
        if math.prod(item[1:]) > max(weight_values, 2**20):
            raise ValueError(f"build_config's input shape {item} holds more values than the file")
    return tuple(shapes[0]) if len(shapes) == 1 and shapes[0] is shape else [tuple(item) for item in shapes]


def _build_model(config, custom_objects, where, weight_values):
    """Build and compile the model, its layers creating at most ``weight_values`` weight values; its
    initializers' draws are undone, so that loading leaves the library's random stream (the next shuffles)
    exactly where it was."""
    description = config["model"]
    library_state = layerwise_random.generator().bit_generator.state
    try:
        cls = lookup(description.get("class_name"), custom_objects)
        if not callable(getattr(cls, "compile", None)):
            raise ValueError(f"{description.get('class_name')!r} is not a model class (it has no compile method)")
        # Every family's get finds the custom classes by name; layers find the layers loaded before them.
        with custom_object_scope(custom_objects), serialization.loading_scope(), \
                serialization.weight_budget(weight_values):
            model = cls.from_config(description.get("config", {}), custom_objects=custom_objects)
            build_config = description.get("build_config")
            if build_config is not None:
                model.build(_build_shape(build_config, weight_values))
            compile_config = config.get("compile")
            if compile_config is not None:
                loss = compile_config["loss"]
                # loss_weights only where the file has them: a trainer of one output (an RBM) takes none.
                weights = {"loss_weights": compile_config["loss_weights"]} if compile_config.get("loss_weights") else {}
                model.compile(optimizer=optimizers.get(compile_config["optimizer"]),
                              loss=[losses.get(item) for item in loss] if isinstance(loss, list) else losses.get(loss),
                              metrics=_metrics(compile_config["metrics"]), **weights)
        bad_names = [layer.name for layer in model.flatten_layers() if not isinstance(layer.name, str)]
        if bad_names:
            raise ValueError(f"layer names must be strings, found {bad_names[:3]}")
    except _BUILD_ERRORS as error:
        raise ModelFileError(f"{where}: config.json describes a model that cannot be built "
                             f"({type(error).__name__}: {error})") from None
    finally:
        layerwise_random.generator().bit_generator.state = library_state
    return model


def restore_generators(model, states, where) -> None:
    if not isinstance(states, dict):
        raise ModelFileError(f"{where}: invalid generator states")
    layers = {layer.name: layer for layer in model.flatten_layers()}
    for layer_name, owned in states.items():
        if layer_name not in layers or not isinstance(owned, dict):
            raise ModelFileError(f"{where}: generator state for unknown layer {layer_name!r}")
        for attribute, state in owned.items():
            generator = getattr(layers[layer_name], attribute, None)
            if not isinstance(generator, np.random.Generator):
                raise ModelFileError(f"{where}: layer {layer_name!r} has no generator {attribute!r}")
            set_generator_state(generator, state, where)


def load_model(filepath, custom_objects=None):
    """Rebuild a model saved by `save_model`: same predictions, and `fit` continues where it stopped.

    Args:
        filepath: the model file.
        custom_objects: ``{name: class}`` for custom layers, losses or optimizers not registered with
            `layerwise.saving.register_keras_serializable` nor in a `custom_object_scope`.

    Limits (see this module's docstring): the zip magic is checked before the file is read; JSON entries
    are at most `MAX_JSON_BYTES` (64 MiB); a safetensors header at most 16 MiB; tensors and the weights
    the config asks for are never larger than the file; time is linear in the file's size and depth.

    Raises:
        ModelFileError: the file is missing, truncated, corrupted (any entry's CRC-32, size or SHA-256),
            foreign, from a newer layerwise, lacks an entry its manifest lists or its model needs (the
            optimizer state of a compiled model), exceeds a limit, or does not describe a model this
            installation can build.

    Example:
        A compiled model comes back compiled, its optimizer's state included, so training continues:

        >>> import os, tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> model = layerwise.Sequential([layerwise.Input((2,)), layerwise.layers.Dense(1)])
        >>> model.compile(optimizer="adam", loss="mse")
        >>> _ = model.fit(np.ones((4, 2)), np.ones((4, 1)), epochs=3, batch_size=2, verbose=0)
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "model.keras")
        ...     save_model(model, path)
        ...     restored = load_model(path)
        >>> type(restored.optimizer).__name__, int(restored.optimizer.iterations)
        ('Adam', 6)
        >>> x = np.array([[1.0, -1.0]])
        >>> bool(np.array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0)))
        True
    """
    where = os.fspath(filepath)
    contents = read_model_file(filepath)
    weight_values = sum(tensor.size for tensor in contents["model.safetensors"].values())
    model = _build_model(contents["config"], custom_objects, where, weight_values)
    restore_state(model, contents, where)
    return model


def restore_state(model, contents, where) -> None:
    """Put a model file's weights, optimizer state and layer generators (`read_model_file`) into ``model``.

    A compiled model needs the file's optimizer state and an uncompiled one must not have one: neither
    is ever skipped silently.
    """
    assign_weights(model, contents["model.safetensors"], where)
    if model.optimizer is not None:
        if "optimizer.safetensors" not in contents:
            raise ModelFileError(f"{where}: the model is compiled but the file has no optimizer state "
                                 "(the entry 'optimizer.safetensors' is missing)")
        assign_optimizer_state(model, contents["optimizer.safetensors"], where)
    elif "optimizer.safetensors" in contents:
        raise ModelFileError(f"{where}: the file has an optimizer state but describes no compiled model")
    restore_generators(model, contents["config"].get("generators", {}), where)


def save_weights(model, filepath) -> None:
    """Write the model's weights, keyed by parameter name, to a safetensors file atomically.

    Example:
        >>> import os, tempfile
        >>> import layerwise
        >>> from layerwise.saving import safetensors
        >>> model = layerwise.Sequential([layerwise.Input((2,)), layerwise.layers.Dense(3, name="hidden")])
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "model.weights.safetensors")
        ...     save_weights(model, path)
        ...     tensors = safetensors.load_file(path)
        >>> {name: tensor.shape for name, tensor in sorted(tensors.items())}
        {'hidden/bias': (3,), 'hidden/kernel': (2, 3)}
    """
    safetensors.save_file({key: p.value for key, p in weight_keys(model).items()}, filepath)


def _check_weights_magic(head: bytes, where) -> None:
    if not head.startswith(archive.MAGIC):
        safetensors.check_magic(head, where)


def load_weights(model, filepath) -> None:
    """Load weights by name from a safetensors file or a model file.

    Raises:
        ModelFileError: a malformed file, or weights that do not match the model (the message lists
            the missing, unexpected and mis-shaped names).

    Example:
        Weights go by name: a model whose layers have the same names takes them.

        >>> import os, tempfile
        >>> import numpy as np
        >>> import layerwise
        >>> def build(initializer):
        ...     dense = layerwise.layers.Dense(1, kernel_initializer=initializer, name="out")
        ...     return layerwise.Sequential([layerwise.Input((2,)), dense])
        >>> trained, fresh = build("ones"), build("zeros")
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "model.weights.safetensors")
        ...     save_weights(trained, path)
        ...     load_weights(fresh, path)
        >>> fresh.predict(np.array([[1.0, 2.0]]), verbose=0).tolist()
        [[3.0]]
    """
    where = os.fspath(filepath)
    data = safetensors.read_bytes(filepath, _check_weights_magic)
    if data.startswith(archive.MAGIC):
        tensors = read_model_file(filepath)["model.safetensors"]
    else:
        tensors = safetensors.loads(data, where)[0]
    assign_weights(model, tensors, where)
