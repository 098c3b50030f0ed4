"""Accuracy metrics: per-sample hits of a prediction, averaged (weighted) over every sample seen."""

import numpy as np

from layerwise.metrics.base import MeanMetricWrapper


def accuracy(y_true, y_pred):
    """Per-entry [y_true == y_pred] (predictions already as labels).

    Example:
        >>> accuracy([1, 2, 3, 4], [0, 2, 3, 4])
        array([0., 1., 1., 1.])
    """
    return np.equal(y_true, y_pred).astype(np.float64)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """Per-sample mean of [y_true == (y_pred > threshold)] over the last axis.

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[1], [1], [0], [0]]), np.array([[0.98], [1.0], [0.0], [0.6]])
        >>> binary_accuracy(y_true, y_pred)  # 0.6 > 0.5 predicts 1 for a target 0
        array([1., 1., 1., 0.])
        >>> binary_accuracy(y_true, y_pred, threshold=0.7)
        array([1., 1., 1., 1.])
    """
    return np.mean(np.equal(y_true, y_pred > threshold), axis=-1)


def categorical_accuracy(y_true, y_pred):
    """Per-sample [argmax y_true == argmax y_pred].

    Example:
        >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        array([0., 1.])
    """
    return np.equal(np.argmax(y_true, axis=-1), np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_categorical_accuracy(y_true, y_pred):
    """Per-sample [y_true == argmax y_pred] for integer labels.

    Example:
        >>> import numpy as np
        >>> sparse_categorical_accuracy(np.array([2, 1]), np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]))
        array([0., 1.])
    """
    labels = np.asarray(y_true).reshape(y_pred.shape[:-1])
    return np.equal(labels, np.argmax(y_pred, axis=-1)).astype(np.float64)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Per-sample [the label's score is among the k largest]: fewer than k scores exceed it (ties count in).

    Example:
        >>> import numpy as np
        >>> y_pred = np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        >>> sparse_top_k_categorical_accuracy(np.array([2, 1]), y_pred, k=1)  # label 2's 0.8 is second largest
        array([0., 1.])
        >>> sparse_top_k_categorical_accuracy(np.array([2, 1]), y_pred, k=2)
        array([1., 1.])
    """
    labels = np.asarray(y_true).astype(np.intp).reshape(y_pred.shape[:-1])
    target = np.take_along_axis(y_pred, labels[..., None], axis=-1)
    return (np.sum(y_pred > target, axis=-1) < k).astype(np.float64)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """`sparse_top_k_categorical_accuracy` of one-hot targets (their arg max is the label).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0, 0, 1], [0, 1, 0]]), np.array([[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        >>> top_k_categorical_accuracy(y_true, y_pred, k=1), top_k_categorical_accuracy(y_true, y_pred, k=2)
        (array([0., 1.]), array([1., 1.]))
    """
    return sparse_top_k_categorical_accuracy(np.argmax(y_true, axis=-1), y_pred, k)


class Accuracy(MeanMetricWrapper):
    """How often predictions equal the targets (both given as labels).

    Example:
        >>> Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        0.75
    """

    default_name = "accuracy"

    def __init__(self, name=None, dtype=None):
        super().__init__(accuracy, name, dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often [y_pred > threshold] equals the binary target.

    Example:
        >>> BinaryAccuracy()([[1.0], [0.0]], [[0.7], [0.6]])
        0.5
    """

    default_name = "binary_accuracy"

    def __init__(self, name=None, dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg max of the prediction is the one-hot target's class.

    Example:
        >>> metric = CategoricalAccuracy()
        >>> metric.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])  # 1 hit of 2
        >>> metric.update_state([[1, 0, 0]], [[0.6, 0.3, 0.1]])  # a hit
        >>> round(metric.result(), 4)
        0.6667
        >>> metric.update_state([[1, 0, 0], [0, 1, 0]], [[0.2, 0.8, 0.0], [0.1, 0.2, 0.7]], sample_weight=[0.0, 1.0])
        >>> metric.result()  # two misses, but the first weighs 0: 2 hits in 4 counted samples
        0.5
    """

    default_name = "categorical_accuracy"

    def __init__(self, name=None, dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg max of the prediction is the integer label.

    Example:
        >>> metric = SparseCategoricalAccuracy()
        >>> metric.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        >>> metric.result()  # the arg maxes 1 and 1: one hit in two
        0.5
    """

    default_name = "sparse_categorical_accuracy"

    def __init__(self, name=None, dtype=None):
        super().__init__(sparse_categorical_accuracy, name, dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot target's class is among the k highest predictions.

    Example:
        >>> TopKCategoricalAccuracy(k=2)([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.5, 0.05, 0.9]])
        0.5
    """

    default_name = "top_k_categorical_accuracy"

    def __init__(self, k=5, name=None, dtype=None):
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k highest predictions.

    Example:
        >>> metric = SparseTopKCategoricalAccuracy(k=1)
        >>> metric.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        >>> metric.result()  # label 2's 0.8 is only the second largest of its row
        0.5
        >>> SparseTopKCategoricalAccuracy(k=2)([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        1.0
    """

    default_name = "sparse_top_k_categorical_accuracy"

    def __init__(self, k=5, name=None, dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k)
