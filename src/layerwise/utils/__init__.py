"""Utilities with Keras's names: `to_categorical`, `set_random_seed`, `plot_model` (its home is
`layerwise.plot`), and the custom-object registration and serialization functions that `keras.utils` also
offers (their home is `layerwise.saving`)."""

from layerwise.utils.numerical import to_categorical
from layerwise.utils.random import set_random_seed
from layerwise.utils.registry import (CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
                                      get_registered_object, register_keras_serializable)
from layerwise.utils.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
           "get_registered_name", "get_registered_object", "register_keras_serializable", "plot_model",
           "serialize_keras_object", "set_random_seed", "to_categorical"]


def __getattr__(name):
    # Imported on first use: layerwise.plot reads models and diagnostics, which import layerwise.utils, so a
    # top-level import here would be a cycle.
    if name == "plot_model":
        from layerwise.plot.model_graph import plot_model

        return plot_model
    raise AttributeError(f"module 'layerwise.utils' has no attribute {name!r}")
