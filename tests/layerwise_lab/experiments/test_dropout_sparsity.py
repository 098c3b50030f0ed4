"""The dropout-sparsity experiment's activation statistics, and its criterion judged as written."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.dropout_sparsity import DropoutSparsity, activation_statistics


def test_activation_statistics():
    statistics = activation_statistics(np.array([[0.0, 2.0], [0.05, 4.0]]))
    assert statistics["unit_means"] == [0.025, 3.0]
    assert statistics["mean"] == pytest.approx(1.5125)
    assert statistics["near_zero"] == 0.5 and statistics["zero"] == 0.25


def arms(mean, near_zero):
    return {"no dropout": {"mean": 1.0, "near_zero": 0.5}, "dropout p = 0.5": {"mean": mean, "near_zero": near_zero}}


@pytest.mark.parametrize("seeds, status", [
    ([(0.6, 0.7), (0.7, 0.6)], HELD),
    ([(1.2, 0.7), (1.1, 0.6)], DID_NOT_HOLD),      # the mean activation rises
    ([(0.6, 0.4), (0.7, 0.3)], DID_NOT_HOLD),      # fewer activations near zero
    ([(0.6, 0.7), (0.7, 0.4)], INCONCLUSIVE),      # the seeds disagree
])
def test_the_criterion(seeds, status):
    numbers = {f"seed {index}": arms(*seed) for index, seed in enumerate(seeds)}
    assert DropoutSparsity().judge(numbers).status == status
