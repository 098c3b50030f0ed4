"""Metrics from confusion counts at thresholds: TruePositives ... Precision, Recall, AUC and the metrics of one
rate at a constraint on another (PrecisionAtRecall ...), as Keras computes them.

A prediction p counts as positive at threshold t when p > t (strictly, as Keras). For T thresholds, one pass
sorts each prediction into the number of thresholds below it (`np.searchsorted`), and the counts at every
threshold are suffix sums of the weights per bucket: no loop over samples or thresholds.
"""

import numpy as np

from layerwise import activations
from layerwise.config import epsilon
from layerwise.metrics.base import Metric, weights_like


def _divide(numerator, denominator):
    """numerator / denominator, 0 where the denominator is 0 (Keras's divide_no_nan)."""
    numerator, denominator = np.asarray(numerator, np.float64), np.asarray(denominator, np.float64)
    return np.divide(numerator, denominator, out=np.zeros(np.broadcast(numerator, denominator).shape),
                     where=denominator != 0)


def confusion_counts(labels, predictions, weights, thresholds):
    """(tp, fp, tn, fn) at each threshold (ascending) of the flat arrays of 0/1 labels, predictions and weights."""
    above = np.searchsorted(thresholds, predictions, side="left")  # thresholds strictly below each prediction
    counts = [np.bincount(above, weights=weights * part, minlength=len(thresholds) + 1)
              for part in (labels, 1.0 - labels)]
    positives_above = [count.sum() - np.cumsum(count)[:len(thresholds)] for count in counts]
    tp, fp = positives_above
    return tp, fp, counts[1].sum() - fp, counts[0].sum() - tp


class ConfusionMetric(Metric):
    """The four confusion counts, per threshold, of the predictions of one class (``class_id``) or of every entry.

    Args:
        thresholds: a float or a list of floats in [0, 1]; sorted ascending internally.
        top_k: count as positive only the k highest predictions of each sample (others never exceed a threshold).
        class_id: count only this column of the targets and predictions.
        name, dtype: `Metric` arguments.
    """

    state_names = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, thresholds=0.5, top_k=None, class_id=None, name=None, dtype=None):
        self.scalar = np.ndim(thresholds) == 0
        self.thresholds = np.atleast_1d(np.asarray(thresholds, dtype=np.float64))
        self.top_k, self.class_id = top_k, class_id
        super().__init__(name, dtype)

    def reset_state(self):
        shape = self.thresholds.shape
        self.true_positives, self.false_positives = np.zeros(shape), np.zeros(shape)
        self.true_negatives, self.false_negatives = np.zeros(shape), np.zeros(shape)

    def prepare(self, y_true, y_pred, sample_weight):
        """The 0/1 labels, predictions and weights the counts are taken over, as flat arrays."""
        y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
        weights = weights_like(y_pred, sample_weight)
        if self.top_k is not None:
            kth = -np.sort(-y_pred, axis=-1)[..., self.top_k - 1:self.top_k]
            y_pred = np.where(y_pred >= kth, y_pred, -np.inf)
        if self.class_id is not None:
            column = (..., self.class_id)
            y_true, y_pred, weights = y_true[column], y_pred[column], weights[column]
        return (y_true.reshape(y_pred.shape) != 0).astype(np.float64).ravel(), y_pred.ravel(), weights.ravel()

    def update_state(self, y_true, y_pred, sample_weight=None):
        order = np.argsort(self.thresholds)
        counts = confusion_counts(*self.prepare(y_true, y_pred, sample_weight), self.thresholds[order])
        for name, count in zip(self.state_names, counts):
            getattr(self, name)[order] += count

    def value(self, per_threshold):
        """A float for a metric of one threshold, else the array of one value per threshold."""
        return float(per_threshold[0]) if self.scalar else per_threshold

    def get_config(self):
        thresholds = float(self.thresholds[0]) if self.scalar else self.thresholds.tolist()
        return {**super().get_config(), "thresholds": thresholds, "top_k": self.top_k, "class_id": self.class_id}


# The count metrics' example: labels 1, 1, 1, 1, 0, 0, 0, 1 predicted 0.9, 0.8, 0.7, 0.3, 0.6, 0.1, 0.2, 0.4, and
# each count at threshold 0.5 and at thresholds [0.5, 0.75] (as the metrics print them).
_COUNTS = {"true_positives": ("3.0", "[3., 2.]"), "false_positives": ("1.0", "[1., 0.]"),
           "true_negatives": ("2.0", "[2., 3.]"), "false_negatives": ("2.0", "[2., 3.]")}


def _count_metric(class_name, state, default_name):
    """TruePositives ...: the weighted count of one cell of the confusion matrix at each threshold; its docstring's
    example shows its own counts, ``_COUNTS[state]``."""
    def __init__(self, thresholds=None, name=None, dtype=None):
        ConfusionMetric.__init__(self, 0.5 if thresholds is None else thresholds, name=name, dtype=dtype)

    def result(self):
        return self.value(getattr(self, state))

    def get_config(self):
        config = ConfusionMetric.get_config(self)
        return {key: config[key] for key in ("name", "dtype", "thresholds")}

    at_half, at_both = _COUNTS[state]
    doc = (f"The weighted number of {state.replace('_', ' ')} (at threshold 0.5, or at each of ``thresholds``).\n\n"
           "    Example:\n"
           "        >>> y_true, y_pred = [1, 1, 1, 1, 0, 0, 0, 1], [0.9, 0.8, 0.7, 0.3, 0.6, 0.1, 0.2, 0.4]\n"
           f"        >>> metric = {class_name}()\n"
           "        >>> metric.update_state(y_true, y_pred)\n"
           "        >>> metric.result()\n"
           f"        {at_half}\n"
           f"        >>> {class_name}(thresholds=[0.5, 0.75])(y_true, y_pred)\n"
           f"        array({at_both})\n")
    return type(class_name, (ConfusionMetric,), {"__init__": __init__, "result": result, "get_config": get_config,
                                                 "default_name": default_name, "__doc__": doc,
                                                 "__module__": __name__})


TruePositives = _count_metric("TruePositives", "true_positives", "true_positives")
FalsePositives = _count_metric("FalsePositives", "false_positives", "false_positives")
TrueNegatives = _count_metric("TrueNegatives", "true_negatives", "true_negatives")
FalseNegatives = _count_metric("FalseNegatives", "false_negatives", "false_negatives")


class Precision(ConfusionMetric):
    """tp / (tp + fp) of the predictions above the threshold (0.5), streamed over batches; 0 with no positive.

    Example:
        >>> Precision()([0, 1, 1, 1], [1, 0, 1, 1])
        0.6666666666666666
    """

    default_name = "precision"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(0.5 if thresholds is None else thresholds, top_k, class_id, name, dtype)

    def result(self):
        return self.value(_divide(self.true_positives, self.true_positives + self.false_positives))


class Recall(ConfusionMetric):
    """tp / (tp + fn) of the predictions above the threshold (0.5), streamed over batches; 0 with no positive target.

    Example:
        >>> Recall()([0, 1, 1, 1], [1, 0, 1, 1])
        0.6666666666666666
    """

    default_name = "recall"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(0.5 if thresholds is None else thresholds, top_k, class_id, name, dtype)

    def result(self):
        return self.value(_divide(self.true_positives, self.true_positives + self.false_negatives))


class _AtConstraint(ConfusionMetric):
    """The largest value of one rate over the thresholds where another rate is at least ``value``, as Keras's
    SensitivitySpecificityBase: thresholds 0, 1/(n-1), ..., 1 (0.5 alone for n = 1); 0 where none qualifies."""

    #: The argument naming ``value`` in Keras's signature ("recall", "precision" ...).
    argument = None

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        if not 0 <= value <= 1:
            raise ValueError(f"{type(self).__name__}: {self.argument} must lie in [0, 1], received {value!r}")
        if not isinstance(num_thresholds, int) or num_thresholds < 1:
            raise ValueError(f"{type(self).__name__}: num_thresholds must be an int >= 1, received {num_thresholds!r}")
        self.constraint_value, self.num_thresholds = float(value), num_thresholds
        thresholds = [0.5] if num_thresholds == 1 else np.linspace(0.0, 1.0, num_thresholds)
        super().__init__(list(thresholds), None, class_id, name, dtype)

    def rates(self):
        tp, fp, tn, fn = self.variables
        return {"recall": _divide(tp, tp + fn), "precision": _divide(tp, tp + fp), "specificity": _divide(tn, tn + fp)}

    def best(self, constrained, dependent):
        rates = self.rates()
        return float(np.max(np.where(rates[constrained] >= self.constraint_value, rates[dependent], 0.0), initial=0.0))

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, self.argument: self.constraint_value,
                "num_thresholds": self.num_thresholds, "class_id": self.class_id}



class SensitivityAtSpecificity(_AtConstraint):
    """The best sensitivity (recall) at a specificity tn / (tn + fp) of at least ``specificity``.

    Example:
        >>> metric = SensitivityAtSpecificity(0.5)
        >>> metric.update_state([0, 0, 0, 1, 1], [0.0, 0.3, 0.8, 0.3, 0.8])
        >>> # Above 0.3: 1 of the 2 positives found, 2 of the 3 negatives rejected (specificity 2/3 >= 0.5);
        >>> # below 0.3 the specificity falls to 1/3.
        >>> metric.result()
        0.5
    """

    default_name, argument = "sensitivity_at_specificity", "specificity"

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self.best("specificity", "recall")


class SpecificityAtSensitivity(_AtConstraint):
    """The best specificity tn / (tn + fp) at a sensitivity (recall) of at least ``sensitivity``.

    Example:
        >>> metric = SpecificityAtSensitivity(0.5)
        >>> metric.update_state([0, 0, 0, 1, 1], [0.0, 0.3, 0.8, 0.3, 0.8])
        >>> # Above 0.3: recall 1/2 >= 0.5, 2 of the 3 negatives rejected; below 0.3: recall 1, specificity 1/3.
        >>> round(metric.result(), 4)
        0.6667
    """

    default_name, argument = "specificity_at_sensitivity", "sensitivity"

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)

    def result(self):
        return self.best("recall", "specificity")


class PrecisionAtRecall(_AtConstraint):
    """The best precision at a recall of at least ``recall``.

    Example:
        >>> metric = PrecisionAtRecall(0.5)
        >>> metric.update_state([0, 0, 0, 1, 1], [0.0, 0.3, 0.8, 0.3, 0.8])
        >>> # Recall >= 0.5 holds up to threshold 0.8; the precision there is 1/2 (above 0.3) or 2/4 (below).
        >>> metric.result()
        0.5
    """

    default_name, argument = "precision_at_recall", "recall"

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)

    def result(self):
        return self.best("recall", "precision")


class RecallAtPrecision(_AtConstraint):
    """The best recall at a precision of at least ``precision``.

    Example:
        >>> metric = RecallAtPrecision(0.8)
        >>> metric.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
        >>> # Only above 0.5 is the precision (1/1) at least 0.8: 1 of the 2 positives is found.
        >>> metric.result()
        0.5
    """

    default_name, argument = "recall_at_precision", "precision"

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)

    def result(self):
        return self.best("precision", "recall")


class AUC(Metric):
    """The area under the ROC or precision-recall curve, from confusion counts at ``num_thresholds`` thresholds,
    streamed over batches, as Keras computes it.

    Thresholds: -eps, 1/(n-1), ..., (n-2)/(n-1), 1 + eps (or -eps, the given ``thresholds``, 1 + eps). With recall
    r = tp / (tp + fn), false-positive rate f = fp / (fp + tn) and precision q = tp / (tp + fp) at each threshold:

    - ROC: sum over successive thresholds of (f_i - f_{i+1}) (r_i + r_{i+1}) / 2 (the trapezoidal rule,
      "interpolation"; "minoring"/"majoring" take the smaller/larger of the two heights).
    - PR with "interpolation": Davis & Goadrich's interpolation between thresholds, Keras's closed form: with
      P = tp + fp, slope s = Δtp / ΔP and intercept c = tp_{i+1} - s P_{i+1}, each interval adds
      s (Δtp + c log(P_i / P_{i+1})) / (tp_{i+1} + fn_{i+1}).
    - PR otherwise: the Riemann sum of q over r.

    With ``multi_label`` every column (label) has its own curve and the result is their mean (weighted by
    ``label_weights``).

    Args:
        num_thresholds: n > 1 (default 200).
        curve: "ROC" (default) or "PR".
        summation_method: "interpolation" (default), "minoring" or "majoring".
        thresholds: explicit thresholds in [0, 1], instead of n evenly spaced ones.
        multi_label: one curve per label (column) instead of one over every entry.
        num_labels: accepted for Keras's signature (the labels are counted from the data).
        label_weights: weights of the labels' areas with ``multi_label``.
        from_logits: predictions are logits (a sigmoid turns them into probabilities).
        name, dtype: `Metric` arguments.

    Example:
        >>> AUC(num_thresholds=3)([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
        0.75

    References:
        Davis & Goadrich, "The Relationship Between Precision-Recall and ROC Curves", ICML 2006.
    """

    default_name = "auc"
    state_names = ("true_positives", "false_positives", "true_negatives", "false_negatives")

    def __init__(self, num_thresholds=200, curve="ROC", summation_method="interpolation", name=None, dtype=None,
                 thresholds=None, multi_label=False, num_labels=None, label_weights=None, from_logits=False):
        if curve not in ("ROC", "PR"):
            raise ValueError(f"AUC: curve must be 'ROC' or 'PR', received {curve!r}")
        if summation_method not in ("interpolation", "minoring", "majoring"):
            raise ValueError(f"AUC: summation_method must be 'interpolation', 'minoring' or 'majoring', received "
                             f"{summation_method!r}")
        if thresholds is None:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(f"AUC: num_thresholds must be an int > 1, received {num_thresholds!r}")
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        else:
            inner = sorted(float(t) for t in thresholds)
        self.thresholds = np.array([-epsilon(), *inner, 1.0 + epsilon()])
        self.num_thresholds, self.curve, self.summation_method = len(self.thresholds), curve, summation_method
        self.explicit_thresholds = None if thresholds is None else inner
        self.multi_label, self.num_labels, self.from_logits = bool(multi_label), num_labels, bool(from_logits)
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=np.float64)
        super().__init__(name, dtype)

    def reset_state(self):
        self.true_positives = self.false_positives = self.true_negatives = self.false_negatives = None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = np.asarray(y_true, np.float64), np.asarray(y_pred, np.float64)
        y_pred = activations.sigmoid(y_pred) if self.from_logits else y_pred
        y_true = y_true.reshape(y_pred.shape)
        weights = weights_like(y_pred, sample_weight)
        if self.multi_label:
            columns = [(y_true[..., j].ravel(), y_pred[..., j].ravel(), weights[..., j].ravel())
                       for j in range(y_pred.shape[-1])]
            counts = np.stack([np.stack(confusion_counts(t != 0, p, w, self.thresholds), axis=-1)
                               for t, p, w in columns], axis=-1)  # (T, 4, labels)
        else:
            counts = np.stack(confusion_counts((y_true != 0).ravel().astype(np.float64), y_pred.ravel(),
                                               weights.ravel(), self.thresholds), axis=-1)  # (T, 4)
        parts = np.moveaxis(counts, 1, 0)
        for name, count in zip(self.state_names, parts):
            setattr(self, name, count if getattr(self, name) is None else getattr(self, name) + count)

    def _interpolated_pr(self):
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        d_tp = tp[:-1] - tp[1:]
        predicted = tp + fp
        d_predicted = predicted[:-1] - predicted[1:]
        slope = _divide(d_tp, np.maximum(d_predicted, 0))
        intercept = tp[1:] - slope * predicted[1:]
        both = (predicted[:-1] > 0) & (predicted[1:] > 0)
        ratio = np.where(both, _divide(predicted[:-1], np.maximum(predicted[1:], 0)), 1.0)
        return _divide(slope * (d_tp + intercept * np.log(ratio)), np.maximum(tp[1:] + fn[1:], 0))

    def _riemann_terms(self):
        tp, fp, tn, fn = self.variables
        recall = _divide(tp, tp + fn)
        x, y = (_divide(fp, fp + tn), recall) if self.curve == "ROC" else (recall, _divide(tp, tp + fp))
        heights = {"interpolation": (y[:-1] + y[1:]) / 2, "minoring": np.minimum(y[:-1], y[1:]),
                   "majoring": np.maximum(y[:-1], y[1:])}[self.summation_method]
        return (x[:-1] - x[1:]) * heights

    def result(self) -> float:
        if self.true_positives is None:
            return 0.0
        interpolated_pr = self.curve == "PR" and self.summation_method == "interpolation"
        areas = (self._interpolated_pr() if interpolated_pr else self._riemann_terms()).sum(axis=0)
        if not self.multi_label:
            return float(areas)
        if self.label_weights is None:
            return float(np.mean(areas))
        return float(_divide(np.sum(areas * self.label_weights), np.sum(self.label_weights)))

    def get_config(self):
        return {**super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
                "summation_method": self.summation_method, "thresholds": self.explicit_thresholds,
                "multi_label": self.multi_label, "num_labels": self.num_labels,
                "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
                "from_logits": self.from_logits}
