"""Saving and loading models, safe by construction: no pickle, atomic writes, one error type.

- `save_model` / `load_model` (also ``model.save`` and `layerwise.models.load_model`): one file with
  the architecture, compile config, weights and optimizer state; the format is documented in
  `layerwise.saving.model_file`.
- `save_weights` / `load_weights`: weights alone, in safetensors (`layerwise.saving.safetensors`),
  matched by parameter name.
- `atomic_write`: how every file is written (a crash leaves the previous file intact).
- Keras's names for custom classes (`layerwise.utils.registry`): `register_keras_serializable` (also
  under its former name `register_serializable`), `get_custom_objects`, `custom_object_scope` /
  `CustomObjectScope`, `get_registered_name`, `get_registered_object`; and
  `serialize_keras_object` / `deserialize_keras_object` (`layerwise.utils.serialization_lib`).

Every problem with a file raises `layerwise.errors.ModelFileError`. Nothing is ever unpickled:
classes are looked up by name and built from JSON configs; arrays are raw bytes read with NumPy.
"""

from layerwise.saving.atomic import atomic_write
from layerwise.saving.model_file import load_model, load_weights, save_model, save_weights
from layerwise.utils.registry import (CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
                                      get_registered_object, register_keras_serializable, register_serializable)
from layerwise.utils.serialization_lib import deserialize_keras_object, serialize_keras_object

__all__ = ["CustomObjectScope", "atomic_write", "custom_object_scope", "deserialize_keras_object",
           "get_custom_objects", "get_registered_name", "get_registered_object", "load_model", "load_weights",
           "register_keras_serializable", "register_serializable", "save_model", "save_weights",
           "serialize_keras_object"]
