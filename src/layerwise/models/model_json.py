"""A model's architecture as JSON and back, as Keras's ``model.to_json()`` and `keras.models.model_from_json`."""

import json

from layerwise.layers import serialization


def model_from_json(json_string, custom_objects=None):
    """A new model, with freshly initialized weights, from the JSON of ``model.to_json()``.

    Args:
        json_string: the architecture, as ``model.to_json()`` wrote it (no weights, no compile config).
        custom_objects: ``{name: class}`` for layers defined outside layerwise and not registered.

    Example:
        >>> import layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(2, name="out")])
        >>> clone = model_from_json(model.to_json())
        >>> clone.get_layer("out").units, clone.count_params() == model.count_params()
        (2, True)
    """
    return serialization.deserialize(json.loads(json_string), custom_objects)
