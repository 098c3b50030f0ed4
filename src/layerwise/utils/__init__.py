"""Utilities with Keras's names: `to_categorical`, `normalize`, `pad_sequences`, `set_random_seed`; and what
`keras.utils` offers from elsewhere: `plot_model` (its home is `layerwise.plot`), `Sequence`, `PyDataset` and the
batch packing functions (`layerwise.data`), the graph and dtype functions of `layerwise.backend`, and the
custom-object registration and serialization functions (their home is `layerwise.saving`)."""

import importlib

from layerwise.utils.numerical import normalize, to_categorical
from layerwise.utils.random import set_random_seed
from layerwise.utils.sequence_utils import pad_sequences
from layerwise.utils.registry import (CustomObjectScope, custom_object_scope, get_custom_objects, get_registered_name,
                                      get_registered_object, register_keras_serializable)
from layerwise.utils.serialization_lib import deserialize_keras_object, serialize_keras_object

# Imported on first use: these modules import layerwise.utils themselves, so a top-level import here would be a
# cycle (layerwise.plot reads models and diagnostics; layerwise.data and layerwise.backend reach layers).
_ELSEWHERE = {
    "plot_model": "layerwise.plot.model_graph", "Sequence": "layerwise.data.sequence",
    "PyDataset": "layerwise.data.sequence", "pack_x_y_sample_weight": "layerwise.data.adapter",
    "unpack_x_y_sample_weight": "layerwise.data.adapter", "get_source_inputs": "layerwise.layers.symbolic",
    "clear_session": "layerwise.backend", "is_keras_tensor": "layerwise.backend",
    "standardize_dtype": "layerwise.backend",
}

__all__ = ["CustomObjectScope", "custom_object_scope", "deserialize_keras_object", "get_custom_objects",
           "get_registered_name", "get_registered_object", "normalize", "pad_sequences",
           "register_keras_serializable", "serialize_keras_object", "set_random_seed", "to_categorical",
           *_ELSEWHERE]


def __getattr__(name):
    if name in _ELSEWHERE:
        return getattr(importlib.import_module(_ELSEWHERE[name]), name)
    raise AttributeError(f"module 'layerwise.utils' has no attribute {name!r}")
