"""Accuracy metrics: per-sample hits of a prediction, averaged (weighted) over every sample seen."""

import numpy as np

from layerwise.metrics.base import MeanMetricWrapper


def accuracy(y_true, y_pred):
    """Per-entry [y_true == y_pred] (predictions already as labels)."""
    return np.equal(y_true, y_pred).astype(np.float64)


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


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    """Per-sample [the label's score is among the k largest]: fewer than k scores exceed it (ties count in)."""
    labels = np.asarray(y_true).astype(np.intp).reshape(y_pred.shape[:-1])
    target = np.take_along_axis(y_pred, labels[..., None], axis=-1)
    return (np.sum(y_pred > target, axis=-1) < k).astype(np.float64)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """`sparse_top_k_categorical_accuracy` of one-hot targets (their arg max is the label)."""
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
    """How often the arg max of the prediction is the one-hot target's class."""

    default_name = "categorical_accuracy"

    def __init__(self, name=None, dtype=None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg max of the prediction is the integer label."""

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
    """How often the integer label is among the k highest predictions."""

    default_name = "sparse_top_k_categorical_accuracy"

    def __init__(self, k=5, name=None, dtype=None):
        super().__init__(sparse_top_k_categorical_accuracy, name, dtype, k=k)
