"""Saving and loading models, safe by construction: no pickle, atomic writes, one error type.

- `save_model` / `load_model` (also ``model.save`` and `layerwise.models.load_model`): one file with
  the architecture, compile config, weights and optimizer state; the format is documented in
  `layerwise.saving.model_file`.
- `save_weights` / `load_weights`: weights alone, in safetensors (`layerwise.saving.safetensors`),
  matched by parameter name.
- `atomic_write`: how every file is written (a crash leaves the previous file intact).
- `register_serializable`: how a custom layer, loss or optimizer class is found by name on loading.

Every problem with a file raises `layerwise.errors.ModelFileError`. Nothing is ever unpickled:
classes are looked up by name and built from JSON configs; arrays are raw bytes read with NumPy.
"""

from layerwise.layers.serialization import register_serializable
from layerwise.saving.atomic import atomic_write
from layerwise.saving.model_file import load_model, load_weights, save_model, save_weights

__all__ = ["atomic_write", "load_model", "load_weights", "register_serializable", "save_model",
           "save_weights"]
