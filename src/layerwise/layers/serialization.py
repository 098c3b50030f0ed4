"""Layer and model configs by registered name: ``{"class_name": "Dense", "config": {...}}``, never pickle.

`LAYERS` holds every layer and model class defined in a public module of layerwise, under its class
name: `Layer.__init_subclass__` calls `register_builtin` (a model is a layer), so a new layer
file registers itself and a base class in a private module (``normalization/_base.py``) does not.
A class defined elsewhere is found as Keras finds it (`layerwise.utils.registry`): registered with
`layerwise.saving.register_keras_serializable`, in a `custom_object_scope`, or in ``custom_objects``.
"""

import contextlib
import contextvars
import math

from layerwise.utils.registry import Registry, custom_object_scope
from layerwise.utils.serialization_lib import serialize_keras_object

# Models are layers here as in Keras (`keras.layers.deserialize` builds a Sequential too).
LAYERS = Registry("layer", module="layerwise.layers")
# The layers built so far by the outermost `deserialize` running, by name, for layers that refer to
# another layer of the same saved model (a tied decoder to its encoder).
_DESERIALIZED = contextvars.ContextVar("layerwise_deserialized_layers", default=None)


def register_builtin(cls):
    """Register ``cls`` under its class name if a public module of layerwise defines it."""
    package, *path = cls.__module__.split(".")
    if package == "layerwise" and not any(part.startswith("_") for part in path):
        LAYERS.register(cls)


def lookup(name, custom_objects=None):
    """The layer or model class called ``name`` (a custom object first), or a ValueError saying how to register it."""
    cls = LAYERS.find(name, custom_objects) if isinstance(name, str) else None
    if cls is None:
        raise ValueError(
            f"Unknown layer class {name!r}; register it with @layerwise.saving.register_keras_serializable() "
            f"or pass custom_objects={{{name!r}: ...}}")
    return cls


def serialize(layer) -> dict:
    """Return a layer's registered class name and constructor arguments (`serialize_keras_object`).

    Example:
        >>> from layerwise.layers import Dense
        >>> config = serialize(Dense(3, activation="relu", name="hidden"))
        >>> config["class_name"], config["config"]["units"], config["config"]["activation"]
        ('Dense', 3, 'relu')
    """
    return serialize_keras_object(layer)


def deserialize(config: dict, custom_objects=None):
    """Rebuild a layer from `serialize`'s output; classes are looked up by name, never unpickled.

    Args:
        config: ``{"class_name": ..., "config": ...}``.
        custom_objects: optional ``{name: class}`` for layers defined outside layerwise.

    Example:
        >>> from layerwise.layers import Dense
        >>> config = serialize(Dense(3, name="d"))
        >>> config["class_name"], type(deserialize(config)).__name__
        ('Dense', 'Dense')
    """
    cls = lookup(config.get("class_name"), custom_objects)
    with loading_scope(), custom_object_scope(custom_objects):  # for the layers, initializers ... inside
        return remember(cls.from_config(config.get("config", {})))


def remember(layer):
    """Make ``layer`` findable by name (`deserialized_layer`) for the rest of the loading scope; return it."""
    if _DESERIALIZED.get() is not None:
        _DESERIALIZED.get()[layer.name] = layer
    return layer


@contextlib.contextmanager
def loading_scope():
    """Within it, layers deserialized so far are found by name (`deserialized_layer`): one saved model."""
    if _DESERIALIZED.get() is not None:
        yield
        return
    token = _DESERIALIZED.set({})
    try:
        yield
    finally:
        _DESERIALIZED.reset(token)


def deserialized_layer(name):
    """The layer called ``name`` that this loading scope has already built (a ValueError if none)."""
    found = (_DESERIALIZED.get() or {}).get(name)
    if found is None:
        raise ValueError(f"Layer {name!r} is referred to by name but has not been loaded before the layer "
                         "that refers to it; only a layer loaded earlier in the same model can be referred to")
    return found


# While a model file is loaded: how many weight values its file still holds for the layers being built.
_WEIGHT_BUDGET = contextvars.ContextVar("layerwise_weight_budget", default=None)


@contextlib.contextmanager
def weight_budget(values):
    """Within it, layers may create weights of at most ``values`` values in all (`charge_weight`): a
    loaded model's weights are never larger than its file, so a config asking for more is refused before
    anything is allocated."""
    token = _WEIGHT_BUDGET.set([values])
    try:
        yield
    finally:
        _WEIGHT_BUDGET.reset(token)


def charge_weight(name, shape) -> None:
    """Count a weight of ``shape`` against the loading budget; a ValueError if the file cannot hold it."""
    budget = _WEIGHT_BUDGET.get()
    if budget is None:
        return
    size = math.prod(shape)
    if size > budget[0]:
        raise ValueError(f"weight {name!r} of shape {tuple(shape)} needs {size} values, more than the "
                         f"{budget[0]} the file still holds")
    budget[0] -= size
