"""Intersection-over-union metrics of segmentation, from a confusion matrix streamed over batches, as Keras's."""

import numpy as np

from layerwise.metrics.base import Metric, weights_like


class IoU(Metric):
    """IoU_c = tp_c / (tp_c + fp_c + fn_c) per class, averaged over ``target_class_ids`` whose denominator is not 0.

    A (num_classes, num_classes) confusion matrix C[true, predicted] of (weighted) counts is accumulated; then
    tp_c = C[c, c], and tp_c + fp_c + fn_c = sum of row c + sum of column c - C[c, c].

    Args:
        num_classes: the number of classes.
        target_class_ids: the classes averaged over.
        name, dtype: `Metric` arguments.
        ignore_class: a class id whose targets are left out (e.g. a "void" label), or None.
        sparse_y_true: targets are integer labels (else one-hot along ``axis``).
        sparse_y_pred: predictions are integer labels (else scores, turned into labels by arg max along ``axis``).
        axis: the class axis of non-sparse inputs (default -1).

    Example:
        >>> IoU(num_classes=2, target_class_ids=[0])([0, 0, 1, 1], [0, 1, 0, 1])
        0.3333333333333333
    """

    default_name = "iou"
    state_names = ("total_cm",)

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        if not isinstance(num_classes, int) or num_classes < 1:
            raise ValueError(f"{type(self).__name__}: num_classes must be an int >= 1, received {num_classes!r}")
        if max(target_class_ids, default=0) >= num_classes:
            raise ValueError(f"{type(self).__name__}: target_class_ids {list(target_class_ids)} must be classes below "
                             f"num_classes={num_classes}")
        self.num_classes, self.target_class_ids = num_classes, list(target_class_ids)
        self.ignore_class, self.sparse_y_true, self.sparse_y_pred, self.axis = (ignore_class, sparse_y_true,
                                                                                sparse_y_pred, axis)
        super().__init__(name, dtype)

    def reset_state(self):
        self.total_cm = np.zeros((self.num_classes, self.num_classes))

    def labels(self, y_true, y_pred):
        """Integer class labels of the targets and the predictions."""
        y_true = np.asarray(y_true) if self.sparse_y_true else np.argmax(y_true, axis=self.axis)
        y_pred = np.asarray(y_pred) if self.sparse_y_pred else np.argmax(y_pred, axis=self.axis)
        return y_true, y_pred

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = self.labels(y_true, y_pred)
        y_pred = y_pred.reshape(y_true.shape)
        weight = weights_like(y_true, sample_weight).ravel()
        y_true, y_pred = y_true.ravel().astype(np.intp), y_pred.ravel().astype(np.intp)
        if self.ignore_class is not None:
            kept = y_true != self.ignore_class
            y_true, y_pred, weight = y_true[kept], y_pred[kept], weight[kept]
        cells = np.bincount(y_true * self.num_classes + y_pred, weights=weight, minlength=self.num_classes ** 2)
        self.total_cm = self.total_cm + cells.reshape(self.num_classes, self.num_classes)

    def result(self) -> float:
        true_positives = np.diag(self.total_cm)
        denominator = self.total_cm.sum(axis=0) + self.total_cm.sum(axis=1) - true_positives
        true_positives, denominator = true_positives[self.target_class_ids], denominator[self.target_class_ids]
        valid = int(np.sum(denominator > 1e-9))
        iou = np.divide(true_positives, denominator, out=np.zeros_like(denominator), where=denominator != 0)
        return float(iou.sum() / valid) if valid else 0.0

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "target_class_ids": self.target_class_ids,
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class MeanIoU(IoU):
    """`IoU` averaged over every class.

    Example:
        >>> MeanIoU(num_classes=2)([0, 0, 1, 1], [0, 1, 0, 1])
        0.3333333333333333
    """

    default_name = "mean_iou"

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True, sparse_y_pred=True,
                 axis=-1):
        super().__init__(num_classes, list(range(num_classes)), name, dtype, ignore_class, sparse_y_true,
                         sparse_y_pred, axis)

    def get_config(self):
        config = super().get_config()
        del config["target_class_ids"]
        return config


class BinaryIoU(IoU):
    """`IoU` of binary targets against predictions thresholded at ``threshold`` (class 1 where p > threshold), over
    ``target_class_ids`` (both classes by default).

    Example:
        >>> BinaryIoU(target_class_ids=[1])([0, 1, 1, 1], [0.2, 0.7, 0.4, 0.9])
        0.6666666666666666
    """

    default_name = "binary_iou"

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(2, list(target_class_ids), name, dtype)
        self.threshold = float(threshold)

    def labels(self, y_true, y_pred):
        return np.asarray(y_true) > 0, np.asarray(y_pred) > self.threshold

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "target_class_ids": self.target_class_ids,
                "threshold": self.threshold}


class OneHotIoU(IoU):
    """`IoU` of one-hot targets and scores (the arg max along ``axis`` is each's class).

    Example:
        >>> metric = OneHotIoU(num_classes=2, target_class_ids=[0])
        >>> metric.update_state([[1, 0], [1, 0], [0, 1], [0, 1]], [[0.9, 0.1], [0.6, 0.4], [0.7, 0.3], [0.2, 0.8]])
        >>> # Classes 0, 0, 1, 1 predicted 0, 0, 0, 1: class 0 has tp = 2, fp = 1, fn = 0.
        >>> round(metric.result(), 4)
        0.6667
    """

    default_name = "one_hot_iou"

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None, sparse_y_pred=False,
                 axis=-1):
        super().__init__(num_classes, target_class_ids, name, dtype, ignore_class, False, sparse_y_pred, axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` of one-hot targets and scores (the arg max along ``axis`` is each's class).

    Example:
        >>> metric = OneHotMeanIoU(num_classes=2)
        >>> metric.update_state([[1, 0], [1, 0], [0, 1], [0, 1]], [[0.9, 0.1], [0.6, 0.4], [0.7, 0.3], [0.2, 0.8]])
        >>> # Classes 0, 0, 1, 1 predicted 0, 0, 0, 1: IoU 2/3 for class 0, 1/2 for class 1.
        >>> round(metric.result(), 4)
        0.5833
    """

    default_name = "one_hot_mean_iou"

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes, name, dtype, ignore_class, False, sparse_y_pred, axis)

    def get_config(self):
        config = super().get_config()
        del config["sparse_y_true"]
        return config
