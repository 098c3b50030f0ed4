"""The mini-batch experiment's time-to-loss reading and its criterion."""

import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.mini_batches import MiniBatches, seconds_to_reach


def test_seconds_to_reach_is_the_first_measurement_at_or_below_the_target():
    curve = {"seconds": [0.0, 1.0, 2.0, 3.0], "loss": [2.0, 1.0, 0.5, 0.6]}
    assert seconds_to_reach(curve, 0.6) == 2.0
    assert seconds_to_reach(curve, 2.0) == 0.0
    assert seconds_to_reach(curve, 0.1) is None


def _numbers(mini_final=0.2, mini_seconds=1.0, shuffled=0.2):
    return {"curves": {"mini-batch": {"seconds": [0.0, mini_seconds, 2 * mini_seconds], "loss": [2.3, 0.6, mini_final]},
                       "full batch": {"seconds": [0.0, 5.0, 10.0], "loss": [2.3, 1.0, 0.6]}},
            "shuffling": {"shuffled every epoch": [[2.3, shuffled]], "fixed, sorted by label": [[2.3, 1.0]]}}


@pytest.mark.parametrize("kwargs, status", [
    ({}, HELD), ({"mini_final": 0.7}, DID_NOT_HOLD), ({"mini_seconds": 12.0}, DID_NOT_HOLD),
    ({"shuffled": 1.1}, DID_NOT_HOLD), ({"shuffled": 0.7}, INCONCLUSIVE), ({"mini_seconds": 7.0}, INCONCLUSIVE)])
def test_the_criterion(kwargs, status):
    assert MiniBatches().judge(_numbers(**kwargs)).status == status


def test_a_mini_batch_run_that_never_reaches_the_full_batch_loss_did_not_hold():
    numbers = _numbers()
    numbers["curves"]["mini-batch"]["loss"] = [2.3, 2.0, 1.5]
    assert MiniBatches().judge(numbers).status == DID_NOT_HOLD
