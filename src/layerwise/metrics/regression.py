"""Regression metrics: RootMeanSquaredError and R2Score (with state of their own), and the correlations."""

import math
import warnings

import numpy as np

from layerwise.config import epsilon
from layerwise.metrics.base import Mean, MeanMetricWrapper, Metric, weights_like


class RootMeanSquaredError(Mean):
    """sqrt(sum w (y - p)^2 / sum w) over every entry seen (the root of the streamed mean, not a mean of roots).

    Example:
        >>> RootMeanSquaredError()([[0.0, 1.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]])
        0.5
    """

    default_name = "root_mean_squared_error"

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
        super().update_state(np.square(y_pred - y_true.reshape(y_pred.shape)), sample_weight)

    def result(self) -> float:
        return math.sqrt(super().result())


class R2Score(Metric):
    """The coefficient of determination R² = 1 - SS_res / SS_tot per output, streamed, as Keras's R2Score.

    Sums kept per output j: S = sum w y, Q = sum w y², E = sum w (y - p)², W = sum w, and the entries seen n;
    SS_tot = Q - S²/W, R²_j = 1 - E / SS_tot (0 where SS_tot = 0). ``class_aggregation``: "uniform_average" (the
    mean of the outputs'), "variance_weighted_average" (weighted by SS_tot) or None (one per output). With
    ``num_regressors`` p > 0 the adjusted 1 - (1 - R²)(n - 1)/(n - p - 1) (the plain R² with a warning when
    p >= n - 1).

    Args:
        class_aggregation: see above (default "uniform_average").
        num_regressors: p >= 0 (default 0).
        name, dtype: `Metric` arguments.

    Input shape:
        (batch, outputs) targets and predictions (a 1-D batch is one output).

    Example:
        >>> R2Score()([[1.0], [2.0], [3.0]], [[1.0], [2.0], [4.0]])
        0.5
    """

    default_name = "r2_score"
    state_names = ("sum", "squared_sum", "total_mse", "count", "num_samples")

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name=None, dtype=None):
        if class_aggregation not in (None, "uniform_average", "variance_weighted_average"):
            raise ValueError(f"R2Score: class_aggregation must be None, 'uniform_average' or "
                             f"'variance_weighted_average', received {class_aggregation!r}")
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(f"R2Score: num_regressors must be an int >= 0, received {num_regressors!r}")
        self.class_aggregation, self.num_regressors = class_aggregation, num_regressors
        super().__init__(name, dtype)

    def reset_state(self):
        self.sum = self.squared_sum = self.total_mse = self.count = 0.0
        self.num_samples = 0

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = np.asarray(y_pred, np.float64)
        y_pred = y_pred[:, None] if y_pred.ndim == 1 else y_pred
        y_true = np.asarray(y_true, np.float64).reshape(y_pred.shape)
        weight = weights_like(y_true, sample_weight)
        self.sum = self.sum + np.sum(weight * y_true, axis=0)
        self.squared_sum = self.squared_sum + np.sum(weight * y_true * y_true, axis=0)
        self.total_mse = self.total_mse + np.sum(weight * (y_true - y_pred) ** 2, axis=0)
        self.count = self.count + np.sum(weight, axis=0)
        self.num_samples += y_true.size

    def result(self):
        total = self.squared_sum - self.sum * self.sum / self.count
        raw = np.divide(self.total_mse, total, out=np.full(np.shape(total), np.inf), where=total != 0)
        raw = np.where(np.isinf(raw), 0.0, 1.0 - raw)
        if self.class_aggregation == "uniform_average":
            score = float(np.mean(raw))
        elif self.class_aggregation == "variance_weighted_average":
            score = float(np.sum(total * raw) / np.sum(total))
        else:
            score = raw
        n, p = self.num_samples, self.num_regressors
        if p == 0:
            return score
        if p >= n - 1:
            warnings.warn(f"R2Score: {p} regressors for {n} data points: the adjusted R² is undefined, returning "
                          "the plain R²", stacklevel=2)
            return score
        return 1.0 - (1.0 - score) * (n - 1) / (n - p - 1)

    def get_config(self):
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


def pearson_correlation(y_true, y_pred, axis=-1):
    """Per-sample Pearson correlation along ``axis``: mean((y - ȳ)/σ_y (p - p̄)/σ_p).

    Example:
        >>> pearson_correlation([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [[2.0, 4.0, 6.0], [3.0, 2.0, 1.0]])
        array([ 1., -1.])
    """
    y_pred = np.asarray(y_pred, np.float64)
    y_true = np.asarray(y_true, np.float64).reshape(y_pred.shape)
    centered = [v - v.mean(axis=axis, keepdims=True) for v in (y_true, y_pred)]
    standardized = [v / v.std(axis=axis, keepdims=True) for v in centered]
    return np.mean(standardized[0] * standardized[1], axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Per-sample concordance correlation along ``axis``, as Keras computes it: mean(2 c / (σ_y² + σ_p² + (ȳ - p̄)² +
    eps)) with Keras's c = (y - p̄)(p - p̄) (Keras centres y on p's mean; Lin's coefficient uses ȳ).

    Example:
        >>> import numpy as np
        >>> # Equal rows agree (1); predictions shifted by 1: 2 (2/3) / (2/3 + 2/3 + 1²) = 4/7.
        >>> y_true, y_pred = [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]]
        >>> np.round(concordance_correlation(y_true, y_pred), 4)
        array([1.    , 0.5714])
    """
    y_pred = np.asarray(y_pred, np.float64)
    y_true = np.asarray(y_true, np.float64).reshape(y_pred.shape)
    true_mean, pred_mean = y_true.mean(axis=axis, keepdims=True), y_pred.mean(axis=axis, keepdims=True)
    norm = y_true.var(axis=axis, keepdims=True) + y_pred.var(axis=axis, keepdims=True) + (true_mean - pred_mean) ** 2
    return np.mean(2 * (y_true - pred_mean) * (y_pred - pred_mean) / (norm + epsilon()), axis=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean over samples of `pearson_correlation` along ``axis`` (each sample's vector of outputs).

    Example:
        >>> round(PearsonCorrelation()([[1.0, 2.0, 3.0]], [[2.0, 4.0, 7.0]]), 4)
        0.9934
    """

    default_name = "pearson_correlation"

    def __init__(self, name=None, dtype=None, axis=-1):
        super().__init__(pearson_correlation, name, dtype, axis=axis)


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean over samples of `concordance_correlation` along ``axis``, as Keras's (see that function).

    Example:
        >>> metric = ConcordanceCorrelation()
        >>> metric.update_state([[1.0, 2.0, 3.0]], [[1.0, 2.0, 3.0]])  # perfect agreement: 1
        >>> metric.update_state([[1.0, 2.0, 3.0]], [[2.0, 3.0, 4.0]])  # shifted by 1: 4/7
        >>> round(metric.result(), 4)  # their mean, 11/14
        0.7857

    References:
        Lin, "A Concordance Correlation Coefficient to Evaluate Reproducibility", Biometrics 1989.
    """

    default_name = "concordance_correlation"

    def __init__(self, name=None, dtype=None, axis=-1):
        super().__init__(concordance_correlation, name, dtype, axis=axis)
