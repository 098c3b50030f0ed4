"""The step construction computes f at cell centres, its error shrinks like 1/K, and the criterion judges slopes."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD
from layerwise_lab._constructed import dense_network
from layerwise_lab.experiments.step_functions import StepFunctions, cell_grid, slope, sup_error, target, tower_weights


@pytest.mark.parametrize("dim", [1, 2, 3])
def test_the_towers_give_the_value_at_each_cell_centre(dim):
    cells = 3
    model = dense_network(dim, tower_weights(target, cells, dim))
    centres = cell_grid(cells, dim, per_cell=1)
    np.testing.assert_allclose(model.predict(centres, verbose=0), target(centres), atol=1e-5)
    assert model.layers[0].units == dim * (cells - 1) and model.layers[1].units == cells ** dim


def test_the_one_dimensional_error_halves_when_the_cells_halve():
    errors = [sup_error(dense_network(1, tower_weights(target, k, 1)), cell_grid(k, 1, 64)) for k in (32, 64)]
    assert errors[1] / errors[0] == pytest.approx(0.5, abs=0.02)


def test_slope_reads_the_exponent_of_a_power_law():
    errors = np.array([0.4, 0.2, 0.1])
    assert slope(3 * errors ** -2.0, errors) == pytest.approx(2.0)


@pytest.mark.parametrize("slopes, status", [((1.05, 2.1, 2.8), HELD), ((1.05, 1.6, 2.8), DID_NOT_HOLD),
                                            ((0.6, 2.0, 3.0), DID_NOT_HOLD)])
def test_the_criterion(slopes, status):
    numbers = {"dims": {str(dim): {"slope": value} for dim, value in enumerate(slopes, start=1)}}
    assert StepFunctions().judge(numbers).status == status
