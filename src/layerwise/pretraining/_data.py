"""Small data helpers the pre-training models share."""

import numpy as np

from layerwise.data.adapter import is_batch_source

#: Samples per slice when data is carried through a layer in inference mode.
INFERENCE_SLICE = 1024


def in_unit_range(array) -> bool:
    """Whether every value lies in [0, 1] (probabilities: binary units, cross-entropy targets)."""
    return array.size == 0 or (array.min() >= 0 and array.max() <= 1)


def outputs_in_slices(layer, x):
    """``layer``'s inference outputs for x, computed a slice at a time through calls of its own."""
    if len(x) == 0:
        return layer.new_call()(x, training=False, input_gradient=False)
    return np.concatenate([layer.new_call()(x[start:start + INFERENCE_SLICE], training=False, input_gradient=False)
                           for start in range(0, len(x), INFERENCE_SLICE)])


def reconstruction_pair(validation_data):
    """Validation data of a model whose targets are its inputs: an array x_val becomes (x_val, x_val)."""
    if validation_data is None or isinstance(validation_data, tuple) or is_batch_source(validation_data):
        return validation_data
    return validation_data, validation_data
