"""Metrics: each against a hand computation and scikit-learn, batch-size weighting across batches, Keras's
resolution of "accuracy" from the loss and the shapes, names and configs."""

import numpy as np
import pytest
from sklearn import metrics as sk

from layerwise import losses, metrics

Y_TRUE_LABELS = np.array([0, 2, 1, 2, 0])
PROBABILITIES = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.5, 0.4, 0.1], [0.2, 0.2, 0.6], [0.3, 0.3, 0.4]])


def _in_batches(metric, y_true, y_pred, sizes):
    """Feed the metric the data in consecutive batches of the given sizes; return its result."""
    metric.reset_state()
    start = 0
    for size in sizes:
        metric.update_state(y_true[start:start + size], y_pred[start:start + size])
        start += size
    return metric.result()


def test_accuracies_by_hand_and_against_scikit_learn():
    predicted = PROBABILITIES.argmax(axis=1)  # [0, 2, 0, 2, 2]: 3 of 5 right
    assert sk.accuracy_score(Y_TRUE_LABELS, predicted) == 0.6
    assert _in_batches(metrics.SparseCategoricalAccuracy(), Y_TRUE_LABELS, PROBABILITIES, [5]) == 0.6
    one_hot = np.eye(3)[Y_TRUE_LABELS]
    assert _in_batches(metrics.CategoricalAccuracy(), one_hot, PROBABILITIES, [5]) == 0.6
    y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
    y_pred = np.array([[0.9], [0.6], [0.4], [0.1]])  # thresholded at 0.5: 1, 1, 0, 0: 2 of 4 right
    assert _in_batches(metrics.BinaryAccuracy(), y_true, y_pred, [4]) == 0.5
    assert metrics.binary_accuracy(y_true, y_pred, threshold=0.3).mean() == 0.75


def test_regression_metrics_against_scikit_learn(rng):
    y_true, y_pred = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    assert _in_batches(metrics.MeanSquaredError(), y_true, y_pred, [7]) == pytest.approx(
        sk.mean_squared_error(y_true, y_pred))
    assert _in_batches(metrics.MeanAbsoluteError(), y_true, y_pred, [7]) == pytest.approx(
        sk.mean_absolute_error(y_true, y_pred))


@pytest.mark.parametrize("sizes", [[5], [2, 3], [4, 1], [1, 1, 1, 1, 1]])
def test_a_metric_over_uneven_batches_is_the_metric_of_all_samples(sizes):
    # Weighted by batch size: a mean of per-batch means would give the last batch of 1 a quarter of the say.
    assert _in_batches(metrics.SparseCategoricalAccuracy(), Y_TRUE_LABELS, PROBABILITIES, sizes) == \
        pytest.approx(0.6)


def test_mean_weights_by_sample_count_and_resets():
    mean = metrics.Mean()
    mean.update_state(1.0, sample_weight=3)
    mean.update_state(5.0, sample_weight=1)
    assert mean.result() == 2.0
    mean.reset_state()
    assert mean.result() == 0.0


@pytest.mark.parametrize("loss, output_shape, y_true_shape, expected", [
    ("binary_crossentropy", (None, 3), (None, 3), metrics.BinaryAccuracy),
    ("mse", (None, 1), (None, 1), metrics.BinaryAccuracy),
    ("sparse_categorical_crossentropy", (None, 10), (None,), metrics.SparseCategoricalAccuracy),
    ("categorical_crossentropy", (None, 10), (None, 10), metrics.CategoricalAccuracy),
    ("categorical_crossentropy", (None, 10), (None,), metrics.SparseCategoricalAccuracy),
])
def test_accuracy_is_resolved_as_keras_resolves_it(loss, output_shape, y_true_shape, expected):
    for name in ("accuracy", "acc"):
        metric = metrics.get(name, losses.get(loss), output_shape, y_true_shape)
        assert type(metric) is expected and metric.name == name


def test_names_configs_and_unknown_metrics():
    assert metrics.get("mae").name == "mae" and isinstance(metrics.get("mae"), metrics.MeanAbsoluteError)
    assert isinstance(metrics.get("mean_squared_error"), metrics.MeanSquaredError)
    custom = metrics.MeanSquaredError(name="error")
    assert metrics.get(custom) is custom
    assert metrics.MeanSquaredError.from_config(custom.get_config()).name == "error"
    with pytest.raises(ValueError, match="f1"):
        metrics.get("f1")
