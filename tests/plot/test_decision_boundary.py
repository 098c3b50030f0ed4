import numpy as np
import pytest

import layerwise
from layerwise.datasets import toy
from layerwise.layers import Dense
from layerwise.plot import plot_decision_boundary


def _diagonal_classifier(outputs):
    """Class 1 where x_1 + x_2 > 0: one sigmoid unit, or two softmax scores."""
    model = layerwise.Sequential([layerwise.Input(shape=(2,)),
                                  Dense(outputs, activation="sigmoid" if outputs == 1 else "softmax")])
    kernel = np.array([[1.0], [1.0]]) if outputs == 1 else np.array([[-1.0, 1.0], [-1.0, 1.0]])
    model.set_weights([kernel, np.zeros(outputs)])
    return model


@pytest.mark.parametrize("outputs", [1, 2])
def test_the_image_is_the_grid_of_predicted_classes(outputs):
    x, y = toy.moons(40, seed=0)
    panel = plot_decision_boundary(_diagonal_classifier(outputs), x, y, resolution=30).axes[0]
    regions = panel.images[0].get_array()
    assert regions.shape == (30, 30)
    assert set(np.unique(regions)) == {0, 1}
    left, right, bottom, top = panel.images[0].get_extent()
    grid_1, grid_2 = np.meshgrid(np.linspace(left, right, 30), np.linspace(bottom, top, 30))
    np.testing.assert_array_equal(regions, (grid_1 + grid_2 > 0).astype(int))
    assert left < x[:, 0].min() and right > x[:, 0].max()
    np.testing.assert_array_equal(panel.collections[0].get_offsets(), x)


def test_inputs_that_are_not_2d_points_are_refused():
    with pytest.raises(ValueError, match=r"x must be 2-D points of shape \(N, 2\), received shape \(4, 3\)"):
        plot_decision_boundary(_diagonal_classifier(1), np.zeros((4, 3)), np.zeros(4))
    with pytest.raises(ValueError, match="resolution must be an integer >= 2, received 1"):
        plot_decision_boundary(_diagonal_classifier(1), np.zeros((4, 2)), np.zeros(4), resolution=1)


def test_an_estimator_with_predict_x_alone_draws_its_regions():
    from layerwise.models.perceptron import Perceptron

    x, y = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]), np.array([0, 0, 0, 1])
    figure = plot_decision_boundary(Perceptron().fit(x, y), x, y, resolution=5)
    regions = figure.axes[0].images[0].get_array()
    assert regions[0, 0] == 0 and regions[-1, -1] == 1  # AND: only the corner beyond (1, 1) is class 1
