"""The universal-approximation experiment's sup error and its criterion."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD
from layerwise_lab.experiments.universal_approximation import UniversalApproximation, one_hidden_layer, sup_error


def test_sup_error_is_the_largest_deviation_on_the_grid():
    model = one_hidden_layer(3)
    model.layers[1].set_weights([np.zeros((3, 1), dtype=np.float32), np.array([0.5], dtype=np.float32)])
    x = np.linspace(-1, 1, 5, dtype=np.float32)[:, None]
    assert sup_error(model, x, x) == pytest.approx(1.5)  # F = 0.5, f(x) = x reaches -1


@pytest.mark.parametrize("errors, status", [
    ([1.2, 1.0, 0.3, 0.05], HELD),
    ([1.2, 1.0, 0.3, 0.2], DID_NOT_HOLD),  # falls, but not to 10%
    ([1.2, 0.01, 0.05, 0.02], DID_NOT_HOLD),  # a rise by x5 between neighbours
])
def test_the_criterion(errors, status):
    numbers = {"widths": [1, 2, 4, 8][:len(errors)], "sup_error": errors}
    assert UniversalApproximation().judge(numbers).status == status
