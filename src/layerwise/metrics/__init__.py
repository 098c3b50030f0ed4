"""Metrics with Keras's names, as `keras.metrics`: stateful (`update_state`, `result`, `reset_state`) and streamed,
so that a metric accumulated over an epoch's batches equals the metric of the whole epoch, with sample weights.

``metrics=["accuracy"]`` is resolved as Keras resolves it, from the loss and the shapes: binary accuracy
for a binary cross-entropy loss or a single output unit, sparse categorical accuracy for integer labels,
categorical accuracy for one-hot targets. An unknown name is refused with the list of known ones.

The functions (``binary_accuracy``, ``top_k_categorical_accuracy``, the loss functions ...) give per-sample values.
"""

from layerwise import losses as losses_module
from layerwise.losses import (binary_crossentropy, binary_focal_crossentropy, categorical_crossentropy,
                              categorical_focal_crossentropy, categorical_hinge, hinge, huber, kl_divergence,
                              log_cosh, mean_absolute_error, mean_absolute_percentage_error, mean_squared_error,
                              mean_squared_logarithmic_error, poisson, sparse_categorical_crossentropy, squared_hinge)
from layerwise.metrics.accuracy import (Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy,
                                        SparseTopKCategoricalAccuracy, TopKCategoricalAccuracy, accuracy,
                                        binary_accuracy, categorical_accuracy, sparse_categorical_accuracy,
                                        sparse_top_k_categorical_accuracy, top_k_categorical_accuracy)
from layerwise.metrics.base import Mean, MeanMetricWrapper, Metric, Sum
from layerwise.metrics.confusion import (AUC, FalseNegatives, FalsePositives, Precision, PrecisionAtRecall, Recall,
                                         RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
                                         TrueNegatives, TruePositives)
from layerwise.metrics.f_score import F1Score, FBetaScore
from layerwise.metrics.iou import IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU
from layerwise.metrics.losses_as_metrics import (BinaryCrossentropy, CategoricalCrossentropy, CategoricalHinge,
                                                 CosineSimilarity, Hinge, KLDivergence, LogCoshError,
                                                 MeanAbsoluteError, MeanAbsolutePercentageError, MeanSquaredError,
                                                 MeanSquaredLogarithmicError, Poisson, SparseCategoricalCrossentropy,
                                                 SquaredHinge)
from layerwise.metrics.regression import (ConcordanceCorrelation, PearsonCorrelation, R2Score, RootMeanSquaredError,
                                          concordance_correlation, pearson_correlation)
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object as serialize

_CLASSES = (
    Accuracy, BinaryAccuracy, CategoricalAccuracy, SparseCategoricalAccuracy, TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy, AUC, Precision, Recall, TruePositives, FalsePositives, TrueNegatives,
    FalseNegatives, PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity,
    F1Score, FBetaScore, IoU, BinaryIoU, MeanIoU, OneHotIoU, OneHotMeanIoU, R2Score, RootMeanSquaredError,
    BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy, KLDivergence, Poisson, Hinge,
    SquaredHinge, CategoricalHinge, LogCoshError, CosineSimilarity, MeanSquaredError, MeanAbsoluteError,
    MeanAbsolutePercentageError, MeanSquaredLogarithmicError, Mean, Sum, MeanMetricWrapper, PearsonCorrelation,
    ConcordanceCorrelation,
)
_TABLE = Registry("metric", module="layerwise.metrics")
for _class in _CLASSES:
    _TABLE.register(_class, *({_class.default_name} - {_class.__name__, None}))
# The names Keras also takes in compile(metrics=[...]).
for _class, *_aliases in [(MeanSquaredError, "mse"), (MeanAbsoluteError, "mae"), (MeanAbsolutePercentageError, "mape"),
                          (MeanSquaredLogarithmicError, "msle"), (KLDivergence, "kld"), (LogCoshError, "log_cosh"),
                          (RootMeanSquaredError, "rmse")]:
    for _alias in _aliases:
        _TABLE[_alias] = _class
_ACCURACY_NAMES = ("accuracy", "acc")


def _resolve_accuracy(loss, output_shape, y_true_shape):
    if isinstance(loss, losses_module.BinaryCrossentropy) or output_shape[-1] == 1:
        return BinaryAccuracy
    if isinstance(loss, losses_module.SparseCategoricalCrossentropy) or (
            y_true_shape is not None and len(y_true_shape) == len(output_shape) - 1):
        return SparseCategoricalAccuracy
    return CategoricalAccuracy


def check(identifier) -> None:
    """Raise a ValueError listing the known names unless ``identifier`` is a Metric, a config or a known name (what
    `Model.compile` checks before any data is seen).

    Example:
        >>> check("auc")  # a known name: nothing happens
        >>> check("acuracy")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
            ...
        ValueError: Unknown metric 'acuracy'; known names: ['AUC', 'Accuracy', ...]
    """
    if isinstance(identifier, str) and identifier not in _ACCURACY_NAMES and _TABLE.find(identifier) is None \
            and identifier.lower() not in _TABLE:
        raise ValueError(f"Unknown metric {identifier!r}; known names: {sorted({*_TABLE, *_ACCURACY_NAMES})}")
    if not isinstance(identifier, (str, dict, Metric)):
        raise ValueError(f"Unknown metric {identifier!r}: expected a name, a config dict or a Metric")


def get(identifier, loss=None, output_shape=None, y_true_shape=None) -> Metric:
    """Turn a name, a config dict or a Metric into a Metric; "accuracy"/"acc" are resolved from the loss and shapes.

    Example:
        >>> get("accuracy", loss=losses_module.get("sparse_categorical_crossentropy"), output_shape=(None, 10)).name
        'accuracy'
        >>> type(get("auc")).__name__
        'AUC'
    """
    if isinstance(identifier, Metric):
        return identifier
    if identifier in _ACCURACY_NAMES:
        return _resolve_accuracy(loss, output_shape, y_true_shape)(name=identifier)
    check(identifier)
    cls = _TABLE.find(identifier) if isinstance(identifier, str) else None
    if isinstance(cls, type) and issubclass(cls, Metric):
        return cls(name=identifier)  # logged under the name it was asked by, as Keras logs "mae"
    return lookup("metric", identifier, _TABLE, Metric)


deserialize = deserializer(get, "metric")
deserialize.__doc__ += """

    Example:
        >>> metric = deserialize(serialize(Precision(thresholds=0.7)))
        >>> type(metric).__name__, metric.get_config()["thresholds"]
        ('Precision', 0.7)
        >>> deserialize({"class_name": "mae", "config": {}}).name
        'mean_absolute_error'
    """
# deserialize is made in layerwise.utils.identifiers: doctest collects its example here only when told to.
__test__ = {"deserialize": deserialize}

__all__ = [
    "AUC", "Accuracy", "BinaryAccuracy", "BinaryCrossentropy", "BinaryIoU", "CategoricalAccuracy",
    "CategoricalCrossentropy", "CategoricalHinge", "ConcordanceCorrelation", "CosineSimilarity", "F1Score",
    "FBetaScore", "FalseNegatives", "FalsePositives", "Hinge", "IoU", "KLDivergence", "LogCoshError", "Mean",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanIoU", "MeanMetricWrapper", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Metric", "OneHotIoU", "OneHotMeanIoU", "PearsonCorrelation", "Poisson",
    "Precision", "PrecisionAtRecall", "R2Score", "Recall", "RecallAtPrecision", "RootMeanSquaredError",
    "SensitivityAtSpecificity", "SparseCategoricalAccuracy", "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy", "SpecificityAtSensitivity", "SquaredHinge", "Sum", "TopKCategoricalAccuracy",
    "TrueNegatives", "TruePositives", "accuracy", "binary_accuracy", "binary_crossentropy",
    "binary_focal_crossentropy", "categorical_accuracy", "categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_hinge", "check", "concordance_correlation", "deserialize", "get", "hinge", "huber", "kl_divergence",
    "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error", "mean_squared_error",
    "mean_squared_logarithmic_error", "pearson_correlation", "poisson", "serialize", "sparse_categorical_accuracy",
    "sparse_categorical_crossentropy", "sparse_top_k_categorical_accuracy", "squared_hinge",
    "top_k_categorical_accuracy",
]
