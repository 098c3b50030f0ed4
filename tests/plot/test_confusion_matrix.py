import numpy as np
import pytest

from layerwise.plot import plot_confusion_matrix
from layerwise.plot.confusion_matrix import confusion_counts


def test_cells_count_each_true_class_against_each_predicted_one():
    rng = np.random.default_rng(0)
    y_true = rng.integers(0, 3, size=50)
    probabilities = rng.random((50, 3))
    figure = plot_confusion_matrix(y_true, probabilities, labels=["a", "b", "c"])
    panel = figure.axes[0]
    cells = panel.images[0].get_array()
    assert cells.sum() == 50
    expected = np.zeros((3, 3), int)
    for true, predicted in zip(y_true, probabilities.argmax(axis=1)):
        expected[true, predicted] += 1
    np.testing.assert_array_equal(cells, expected)
    assert [text.get_text() for text in panel.texts] == [str(value) for value in expected.ravel()]
    assert [tick.get_text() for tick in panel.get_xticklabels()] == ["a", "b", "c"]


def test_normalized_rows_are_fractions_of_each_true_class():
    cells = plot_confusion_matrix([0, 0, 0, 1], [0, 0, 1, 1], normalize=True).axes[0].images[0].get_array()
    np.testing.assert_allclose(cells, [[2 / 3, 1 / 3], [0.0, 1.0]])


def test_one_hot_truths_and_sigmoid_probabilities():
    np.testing.assert_array_equal(confusion_counts([[1, 0], [0, 1], [0, 1]], [[0.2], [0.9], [0.4]]),
                                  [[1, 0], [1, 1]])


def test_mismatched_or_out_of_range_labels_are_refused():
    with pytest.raises(ValueError, match="as many examples, received 3 and 2"):
        plot_confusion_matrix([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="labels name 2 classes, but the data holds class 2"):
        plot_confusion_matrix([0, 1, 2], [0, 1, 1], labels=["a", "b"])
