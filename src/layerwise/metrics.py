"""Metrics with Keras's names: stateful means over an epoch, weighted by batch size.

``metrics=["accuracy"]`` is resolved as Keras resolves it, from the loss and the shapes: binary accuracy
for a binary cross-entropy loss or a single output unit, sparse categorical accuracy for integer labels,
categorical accuracy for one-hot targets.
"""

import numpy as np

from layerwise import losses as losses_module
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object as serialize


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per-sample mean of [y_true == (y_pred > threshold)] over the last axis."""
    return np.mean(np.equal(y_true, y_pred > threshold), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """Per-sample [argmax y_true == argmax y_pred]."""
    return np.equal(np.argmax(y_true, axis=-1), np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    """Per-sample [y_true == argmax y_pred] for integer labels."""
    labels = np.asarray(y_true).reshape(y_pred.shape[:-1])
    return np.equal(labels, np.argmax(y_pred, axis=-1)).astype(np.float64)


class Metric:
    """A running, batch-size-weighted mean of a per-sample function.

    Methods follow Keras: `update_state`, `result`, `reset_state`.
    """

    function = None

    def __init__(self, name=None):
        self.name = name or self.default_name
        self.reset_state()

    def reset_state(self):
        self.total, self.count = 0.0, 0

    def update_state(self, y_true, y_pred):
        values = self.function(y_true, y_pred)
        self.total += float(np.sum(values))
        self.count += int(np.size(values))

    def result(self) -> float:
        return self.total / self.count if self.count else 0.0

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class Mean(Metric):
    """The weighted mean of the values it is given (used for the loss)."""

    default_name = "mean"

    def update_state(self, value, sample_count=1):
        self.total += float(value) * sample_count
        self.count += sample_count


class BinaryAccuracy(Metric):
    default_name = "binary_accuracy"
    function = staticmethod(binary_accuracy)


class CategoricalAccuracy(Metric):
    default_name = "categorical_accuracy"
    function = staticmethod(categorical_accuracy)


class SparseCategoricalAccuracy(Metric):
    default_name = "sparse_categorical_accuracy"
    function = staticmethod(sparse_categorical_accuracy)


class MeanSquaredError(Metric):
    default_name = "mean_squared_error"
    function = staticmethod(losses_module.mean_squared_error)


class MeanAbsoluteError(Metric):
    default_name = "mean_absolute_error"
    function = staticmethod(losses_module.mean_absolute_error)


_TABLE = Registry("metric", module="layerwise.metrics")
_TABLE.register(BinaryAccuracy, "binary_accuracy")
_TABLE.register(CategoricalAccuracy, "categorical_accuracy")
_TABLE.register(SparseCategoricalAccuracy, "sparse_categorical_accuracy")
_TABLE.register(MeanSquaredError, "mean_squared_error", "mse")
_TABLE.register(MeanAbsoluteError, "mean_absolute_error", "mae")


def _resolve_accuracy(loss, output_shape, y_true_shape):
    if isinstance(loss, losses_module.BinaryCrossentropy) or output_shape[-1] == 1:
        return BinaryAccuracy
    if isinstance(loss, losses_module.SparseCategoricalCrossentropy) or (
            y_true_shape is not None and len(y_true_shape) == len(output_shape) - 1):
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def get(identifier, loss=None, output_shape=None, y_true_shape=None) -> Metric:
    """Turn a name, a config dict or a Metric into a Metric; "accuracy"/"acc" are resolved from the loss and shapes.

    Example:
        >>> get("accuracy", loss=losses_module.get("sparse_categorical_crossentropy"), output_shape=(None, 10)).name
        'accuracy'
    """
    if isinstance(identifier, Metric):
        return identifier
    if identifier in ("accuracy", "acc"):
        return _resolve_accuracy(loss, output_shape, y_true_shape)(name=identifier)
    cls = _TABLE.find(identifier) if isinstance(identifier, str) else None
    if isinstance(cls, type) and issubclass(cls, Metric):
        return cls(name=identifier)  # logged under the name it was asked by, as Keras logs "mae"
    return lookup("metric", identifier, _TABLE, Metric)


deserialize = deserializer(get, "metric")

__all__ = ["BinaryAccuracy", "CategoricalAccuracy", "Mean", "MeanAbsoluteError", "MeanSquaredError", "Metric",
           "SparseCategoricalAccuracy", "binary_accuracy", "categorical_accuracy", "deserialize", "get", "serialize",
           "sparse_categorical_accuracy"]
