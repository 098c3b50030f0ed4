"""Losses as metrics: the weighted mean of a loss's per-sample values over every sample seen, as Keras's metric
classes of the same names."""

from layerwise import losses
from layerwise.metrics.base import MeanMetricWrapper


def loss_values(loss_class):
    """``fn(y_true, y_pred, **arguments)``: the per-sample values of ``loss_class(**arguments)``."""
    def values(y_true, y_pred, **arguments):
        return loss_class(**arguments).call(y_true, y_pred)

    values.__name__ = losses.get(loss_class.__name__).name
    return values


def _metric_of(loss_class, class_name, default_name):
    """A metric class whose value is the mean of ``loss_class``'s per-sample losses (no further arguments)."""
    def __init__(self, name=None, dtype=None):
        MeanMetricWrapper.__init__(self, loss_values(loss_class), name, dtype)

    doc = f"The mean of `layerwise.losses.{loss_class.__name__}`'s per-sample values, as Keras's metric."
    return type(class_name, (MeanMetricWrapper,), {"__init__": __init__, "default_name": default_name,
                                                   "__doc__": doc, "__module__": __name__})


MeanSquaredError = _metric_of(losses.MeanSquaredError, "MeanSquaredError", "mean_squared_error")
MeanAbsoluteError = _metric_of(losses.MeanAbsoluteError, "MeanAbsoluteError", "mean_absolute_error")
MeanAbsolutePercentageError = _metric_of(losses.MeanAbsolutePercentageError, "MeanAbsolutePercentageError",
                                         "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _metric_of(losses.MeanSquaredLogarithmicError, "MeanSquaredLogarithmicError",
                                         "mean_squared_logarithmic_error")
LogCoshError = _metric_of(losses.LogCosh, "LogCoshError", "logcosh")
KLDivergence = _metric_of(losses.KLDivergence, "KLDivergence", "kl_divergence")
Poisson = _metric_of(losses.Poisson, "Poisson", "poisson")
Hinge = _metric_of(losses.Hinge, "Hinge", "hinge")
SquaredHinge = _metric_of(losses.SquaredHinge, "SquaredHinge", "squared_hinge")
CategoricalHinge = _metric_of(losses.CategoricalHinge, "CategoricalHinge", "categorical_hinge")


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy (`layerwise.losses.BinaryCrossentropy`) over every sample seen."""

    default_name = "binary_crossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False, label_smoothing=0.0):
        super().__init__(loss_values(losses.BinaryCrossentropy), name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy (`layerwise.losses.CategoricalCrossentropy`) over every sample seen."""

    default_name = "categorical_crossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False, label_smoothing=0.0):
        super().__init__(loss_values(losses.CategoricalCrossentropy), name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy of integer labels (`layerwise.losses.SparseCategoricalCrossentropy`)."""

    default_name = "sparse_categorical_crossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False):
        super().__init__(loss_values(losses.SparseCategoricalCrossentropy), name, dtype, from_logits=from_logits)


def _cosine_similarity(y_true, y_pred, axis=-1):
    return -losses.CosineSimilarity(axis=axis).call(y_true, y_pred)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity sum_axis ŷ p̂ of the L2-normalized vectors: +1 for parallel ones (the loss of the
    same name is its negative, as in Keras).

    Example:
        >>> round(CosineSimilarity()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]), 12)
        0.5
    """

    default_name = "cosine_similarity"

    def __init__(self, name=None, dtype=None, axis=-1):
        super().__init__(_cosine_similarity, name, dtype, axis=axis)
