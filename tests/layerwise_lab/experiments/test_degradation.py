"""The degradation criterion judges as written, the four networks follow the depths, and a curve's mean leaves
out the untrained start."""

import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.degradation import Degradation, mean_after_start, networks


def _numbers(plain20, plain56, resnet20, resnet56):
    final = {"plain-20": plain20, "plain-56": plain56, "ResNet-20": resnet20, "ResNet-56": resnet56}
    return {"depths": [20, 56], "networks": {name: {"train_error": [0.9, 0.5, error], "test_error": error}
                                             for name, error in final.items()}}


@pytest.mark.parametrize("errors, status", [
    ((0.10, 0.15, 0.08, 0.07), HELD),  # He et al.'s picture: plain-56 worse, ResNet-56 better
    ((0.10, 0.15, 0.08, 0.088), HELD),  # ResNet-56 0.8 point worse: within "no worse"
    ((0.10, 0.09, 0.08, 0.07), DID_NOT_HOLD),  # no degradation: plain-56 trains better
    ((0.10, 0.15, 0.08, 0.11), DID_NOT_HOLD),  # depth hurts the ResNet too, by 3 points
    ((0.10, 0.11, 0.08, 0.07), INCONCLUSIVE),  # plain-56 worse by 1 point only
    ((0.10, 0.15, 0.08, 0.095), INCONCLUSIVE),  # ResNet-56 worse by 1.5 points
    ((0.10, None, 0.08, 0.07), INCONCLUSIVE),  # plain-56 diverged
])
def test_the_criterion(errors, status):
    assert Degradation().judge(_numbers(*errors)).status == status


def test_the_mean_of_a_curve_leaves_out_epoch_0_and_is_none_when_diverged():
    assert mean_after_start([0.9, 0.3, 0.1]) == pytest.approx(0.2)
    assert mean_after_start([0.9, 0.3, None]) is None


def test_the_networks_are_plain_and_residual_at_both_depths_plain_first():
    assert networks(8, 14) == {"plain-8": (8, True), "plain-14": (14, True), "ResNet-8": (8, False),
                               "ResNet-14": (14, False)}
