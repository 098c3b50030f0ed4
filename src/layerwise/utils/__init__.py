"""Utilities with Keras's names: `to_categorical`, `normalize`, `pad_sequences`, `set_random_seed`, `Config`,
`Progbar`, the interactive-logging switches, `split_dataset`, `timeseries_dataset_from_array`, `get_file` and the
image file functions; and what
`keras.utils` offers from elsewhere: `plot_model` (its home is `layerwise.plot`), `Sequence`, `PyDataset` and the
batch packing functions (`layerwise.data`), the graph and dtype functions of `layerwise.backend`, and the
custom-object registration and serialization functions (their home is `layerwise.saving`)."""

import importlib

from layerwise.utils.config import Config
from layerwise.utils.dataset_utils import split_dataset, timeseries_dataset_from_array
from layerwise.utils.io_utils import (disable_interactive_logging, enable_interactive_logging,
                                      is_interactive_logging_enabled)
from layerwise.utils.numerical import normalize, to_categorical
from layerwise.utils.progbar import Progbar
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
    "standardize_dtype": "layerwise.backend", "get_file": "layerwise.utils.file_utils",
    "array_to_img": "layerwise.utils.image_utils", "img_to_array": "layerwise.utils.image_utils",
    "load_img": "layerwise.utils.image_utils", "save_img": "layerwise.utils.image_utils",
    "image_dataset_from_directory": "layerwise.utils.image_dataset_utils", "model_to_dot": "layerwise.plot.model_dot",
}

__all__ = ["Config", "CustomObjectScope", "Progbar", "custom_object_scope", "deserialize_keras_object",
           "disable_interactive_logging", "enable_interactive_logging", "get_custom_objects", "get_registered_name",
           "get_registered_object", "is_interactive_logging_enabled", "normalize", "pad_sequences",
           "register_keras_serializable", "serialize_keras_object", "set_random_seed", "split_dataset",
           "timeseries_dataset_from_array", "to_categorical", *_ELSEWHERE]


def __getattr__(name):
    if name in _ELSEWHERE:
        return getattr(importlib.import_module(_ELSEWHERE[name]), name)
    raise AttributeError(f"module 'layerwise.utils' has no attribute {name!r}")
