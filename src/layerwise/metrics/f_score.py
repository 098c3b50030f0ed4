"""F-scores: the harmonic means of precision and recall, per class or averaged, as Keras's FBetaScore/F1Score."""

import numpy as np

from layerwise.config import epsilon
from layerwise.metrics.base import Metric, weights_like


class FBetaScore(Metric):
    """F_β = (1 + β²) P R / (β² P + R) per class, from true and false positives and false negatives streamed over
    batches, with Keras's ε in each division.

    Predictions become 0/1: above ``threshold``, or, without one, the largest of each row (if not 0). With
    ``average``: None gives one score per class; "micro" counts over every class at once; "macro" averages the
    classes' scores; "weighted" weighs them by the classes' (weighted) numbers of targets.

    Args:
        average: None, "micro", "macro" or "weighted".
        beta: β > 0 (default 1).
        threshold: a float in (0, 1], or None (the arg max of each row).
        name, dtype: `Metric` arguments.

    Input shape:
        one-hot or multi-label targets and scores, (batch, classes).

    Example:
        >>> FBetaScore(beta=2.0, threshold=0.5)([[0, 1, 1], [1, 0, 0]], [[0.2, 0.6, 0.7], [0.8, 0.3, 0.4]]).round(3)
        array([1., 1., 1.])

    References:
        van Rijsbergen, "Information Retrieval", 1979 (the F-measure).
    """

    default_name = "fbeta_score"
    state_names = ("true_positives", "false_positives", "false_negatives", "intermediate_weights")

    def __init__(self, average=None, beta=1.0, threshold=None, name=None, dtype=None):
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(f"{type(self).__name__}: average must be None, 'micro', 'macro' or 'weighted', "
                             f"received {average!r}")
        if not beta > 0:
            raise ValueError(f"{type(self).__name__}: beta must be positive, received {beta!r}")
        if threshold is not None and not 0 < threshold <= 1:
            raise ValueError(f"{type(self).__name__}: threshold must lie in (0, 1], received {threshold!r}")
        self.average, self.beta, self.threshold = average, float(beta), threshold
        super().__init__(name, dtype)

    def reset_state(self):
        self.true_positives = self.false_positives = self.false_negatives = self.intermediate_weights = 0.0

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
        if self.threshold is None:
            predicted = (y_pred >= y_pred.max(axis=-1, keepdims=True)) & (np.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(np.float64)
        weight = weights_like(y_true, sample_weight)
        axis = None if self.average == "micro" else 0
        self.true_positives = self.true_positives + np.sum(predicted * y_true * weight, axis=axis)
        self.false_positives = self.false_positives + np.sum(predicted * (1 - y_true) * weight, axis=axis)
        self.false_negatives = self.false_negatives + np.sum((1 - predicted) * y_true * weight, axis=axis)
        self.intermediate_weights = self.intermediate_weights + np.sum(y_true * weight, axis=axis)

    def result(self):
        precision = self.true_positives / (self.true_positives + self.false_positives + epsilon())
        recall = self.true_positives / (self.true_positives + self.false_negatives + epsilon())
        beta2 = self.beta ** 2
        score = (1 + beta2) * precision * recall / (beta2 * precision + recall + epsilon())
        if self.average == "weighted":
            return float(np.sum(score * self.intermediate_weights / (np.sum(self.intermediate_weights) + epsilon())))
        if self.average is not None:
            return float(np.mean(score))
        return np.asarray(score, dtype=np.float64)

    def get_config(self):
        return {**super().get_config(), "average": self.average, "beta": self.beta, "threshold": self.threshold}


class F1Score(FBetaScore):
    """`FBetaScore` with β = 1: 2 P R / (P + R).

    Example:
        >>> round(F1Score(average="micro", threshold=0.5)([[1, 0], [0, 1]], [[0.9, 0.2], [0.7, 0.6]]), 4)
        0.8
    """

    default_name = "f1_score"

    def __init__(self, average=None, threshold=None, name=None, dtype=None):
        super().__init__(average, 1.0, threshold, name, dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
