"""Sample and class weights, as Keras takes them in fit, evaluate, train_on_batch and test_on_batch.

A sample weight w_n multiplies sample n's loss (the reduction stays Keras's mean over the batch, see
`layerwise.losses.Loss`) and its weight in every metric. ``class_weight={class: weight}`` becomes the sample
weights w_n = class_weight[class of sample n] (1 for a class it leaves out), the class read from the targets as
Keras reads it: the arg max of one-hot rows, else the rounded label.
"""

import numbers

import numpy as np


def check_sample_weight(sample_weight, count, where):
    """``sample_weight`` as a float64 array of ``count`` samples (or None), else a ValueError naming ``where``."""
    if sample_weight is None:
        return None
    weights = np.asarray(sample_weight)
    numeric = weights.dtype.kind in "biuf"
    if not numeric or weights.ndim == 0 or len(weights) != count:
        received = f"an array of shape {weights.shape}" if numeric else repr(sample_weight)
        raise ValueError(f"{where}: sample_weight must be an array of one number per sample ({count}), received "
                         f"{received}")
    weights = weights.astype(np.float64)
    if not np.all(np.isfinite(weights)):
        raise ValueError(f"{where}: sample_weight holds NaN or infinite values")
    return weights


def check_class_weight(class_weight, where):
    """``class_weight`` as ``{int class: float weight}`` (or None), else a ValueError naming ``where``."""
    if class_weight is None:
        return None
    if not isinstance(class_weight, dict) or not all(
            isinstance(k, numbers.Integral) and not isinstance(k, bool) and k >= 0 and isinstance(v, numbers.Real)
            and np.isfinite(v) for k, v in class_weight.items()):
        raise ValueError(f"{where}: class_weight must be a dict of class index (an int >= 0) to a finite weight, "
                         f"received {class_weight!r}")
    return {int(k): float(v) for k, v in class_weight.items()}


def class_sample_weights(y, class_weight):
    """The sample weights of ``class_weight`` for targets y: integer labels (N,) or (N, 1), or one-hot (N, C).

    Example:
        >>> class_sample_weights(np.array([[0, 1], [1, 0], [0, 1]]), {1: 3.0})
        array([3., 1., 3.])
    """
    y = np.asarray(y)
    if y.ndim > 1:
        y = np.argmax(y, axis=-1) if y.shape[-1] != 1 else y[..., 0]
    labels = np.round(y).astype(np.intp)
    table = np.ones(max(int(labels.max(initial=0)), max(class_weight, default=0)) + 1)
    for label, weight in class_weight.items():
        table[label] = weight
    return table[labels]
