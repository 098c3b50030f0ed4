"""The learning-rate experiment's regime classification on θ²/2, the library's SGD on it, and its criterion."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD
from layerwise_lab.experiments.learning_rate import (LearningRate, gd_regime, predicted_regime,
                                                     quadratic_trajectory)


@pytest.mark.parametrize("eta, regime", [(0.3, "monotone"), (1.7, "oscillating"), (2.2, "diverging"), (1.0, None),
                                         (2.0, None)])
def test_predicted_regime(eta, regime):
    assert predicted_regime(eta) == regime


@pytest.mark.parametrize("eta, regime", [(0.3, "monotone"), (1.7, "oscillating"), (2.2, "diverging")])
def test_gd_regime_of_the_closed_form(eta, regime):
    assert gd_regime((1 - eta) ** np.arange(20)) == regime


@pytest.mark.parametrize("thetas", [[1.0, 0.0, 0.0], [1.0, -1.0, 1.0], [1.0, 0.5, -0.2]])
def test_gd_regime_other(thetas):
    assert gd_regime(thetas) == "other"


def test_sgd_on_the_quadratic_is_the_closed_form():
    np.testing.assert_allclose(quadratic_trajectory(1.5, 10, theta0=2.0), 2.0 * (-0.5) ** np.arange(11))


def _numbers(observed, small, good, large):
    return {"quadratic": [{"eta": 0.5, "predicted": "monotone", "observed": observed}], "margin": 0.8,
            "mnist": {"small": 0.001, "good": 0.1, "large": 10.0,
                      "train_loss": {"0.001": small, "0.1": good, "10.0": large}}}


@pytest.mark.parametrize("observed, small, good, large, status", [
    ("monotone", 0.5, 0.05, 2.3, HELD),
    ("monotone", 0.5, 0.05, float("inf"), HELD),
    ("other", 0.5, 0.05, 2.3, DID_NOT_HOLD),
    ("monotone", 0.06, 0.05, 2.3, DID_NOT_HOLD),
    ("monotone", 0.5, 0.05, 0.055, DID_NOT_HOLD),
])
def test_the_criterion(observed, small, good, large, status):
    assert LearningRate().judge(_numbers(observed, small, good, large)).status == status
