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


# Each class's example: the source text of a batch's y_true and y_pred (those of its loss's example) and the result,
# the loss on that batch, rounded to 4 decimals.
_REGRESSION = "[[0.0, 1.0], [0.0, 0.0]]"
_MARGINS = "[[0.6, 0.4], [0.4, 0.6]]"
_EXAMPLES = {
    "MeanSquaredError": (_REGRESSION, "[[1.0, 1.0], [1.0, 0.0]]", "0.5"),
    "MeanAbsoluteError": (_REGRESSION, "[[1.0, 3.0], [1.0, 0.0]]", "1.0"),
    "MeanAbsolutePercentageError": ("[[2.0, 1.0], [2.0, 3.0]]", "[[1.0, 1.0], [1.0, 0.0]]", "50.0"),
    "MeanSquaredLogarithmicError": (_REGRESSION, "[[1.0, 1.0], [1.0, 0.0]]", "0.2402"),
    "LogCoshError": (_REGRESSION, "[[1.0, 1.0], [0.0, 0.0]]", "0.1084"),
    "KLDivergence": ("[[0.5, 0.5], [1.0, 0.0]]", "[[0.25, 0.75], [0.5, 0.5]]", "0.4185"),
    "Poisson": (_REGRESSION, "[[1.0, 1.0], [0.0, 0.0]]", "0.5"),
    "Hinge": (_REGRESSION, _MARGINS, "1.3"),
    "SquaredHinge": (_REGRESSION, _MARGINS, "1.86"),
    "CategoricalHinge": ("[[0.0, 1.0], [1.0, 0.0]]", _MARGINS, "1.2"),
}


def _metric_of(loss_class, class_name, default_name):
    """A metric class whose value is the mean of ``loss_class``'s per-sample losses (no further arguments); its
    docstring has an example of its own, from ``_EXAMPLES[class_name]``."""
    def __init__(self, name=None, dtype=None):
        MeanMetricWrapper.__init__(self, loss_values(loss_class), name, dtype)

    y_true, y_pred, result = _EXAMPLES[class_name]
    doc = (f"The mean of `layerwise.losses.{loss_class.__name__}`'s per-sample values, as Keras's metric.\n\n"
           "    Example:\n"
           f"        >>> metric = {class_name}()\n"
           f"        >>> metric.update_state({y_true}, {y_pred})\n"
           "        >>> round(metric.result(), 4)\n"
           f"        {result}\n"
           "        >>> metric.reset_state()\n"
           "        >>> metric.result()\n"
           "        0.0\n")
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
    """The mean binary cross-entropy (`layerwise.losses.BinaryCrossentropy`) over every sample seen.

    Example:
        >>> metric = BinaryCrossentropy()
        >>> metric.update_state([[1.0]], [[0.8]])
        >>> metric.update_state([[0.0]], [[0.4]])
        >>> round(metric.result(), 4)  # (-log 0.8 - log 0.6) / 2, as the loss of the two samples in one batch
        0.367
    """

    default_name = "binary_crossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False, label_smoothing=0.0):
        super().__init__(loss_values(losses.BinaryCrossentropy), name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy (`layerwise.losses.CategoricalCrossentropy`) over every sample seen.

    Example:
        >>> metric = CategoricalCrossentropy()
        >>> metric.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        >>> round(metric.result(), 4)  # (-log 0.95 - log 0.1) / 2
        1.1769
    """

    default_name = "categorical_crossentropy"

    def __init__(self, name=None, dtype=None, from_logits=False, label_smoothing=0.0):
        super().__init__(loss_values(losses.CategoricalCrossentropy), name, dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean cross-entropy of integer labels (`layerwise.losses.SparseCategoricalCrossentropy`).

    Example:
        >>> metric = SparseCategoricalCrossentropy()
        >>> metric.update_state([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        >>> round(metric.result(), 4)  # (-log 0.95 - log 0.1) / 2
        1.1769
    """

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
