"""The learning-rate-decay experiment's schedules follow their formulas, and its criterion judges as written."""

import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.learning_rate_decay import LearningRateDecay, decay_schedules


def test_the_schedules():
    rates = decay_schedules(0.1, steps_per_epoch=10, epochs=8)   # T = 80 steps
    assert all(rate(0) == pytest.approx(0.1) for rate in rates.values())
    assert rates["constant"](79) == 0.1
    assert [rates["step"](step) for step in (40, 41, 60, 61)] == pytest.approx([0.1, 0.01, 0.01, 0.001])
    assert rates["exponential"](40) == pytest.approx(0.01) and rates["exponential"](80) == pytest.approx(0.001)
    assert rates["cosine"](40) == pytest.approx(0.05) and rates["cosine"](80) == pytest.approx(0.0)
    assert [rates["1/t"](step) for step in (9, 10, 39)] == pytest.approx([0.1, 0.1 / 2 ** 0.5, 0.1 / 2])


def _numbers(**train_losses):
    return {"margin": 0.9, "final": {name: {"train_loss": losses, "test_accuracy_final": [0.97] * len(losses)}
                                     for name, losses in train_losses.items()}}


@pytest.mark.parametrize("losses, status", [
    ({"step": [0.02, 0.021], "exponential": [0.03, 0.031], "cosine": [0.02, 0.02], "1/t": [0.05, 0.05]}, HELD),
    ({"step": [0.02, 0.045], "exponential": [0.03, 0.031], "cosine": [0.02, 0.02], "1/t": [0.05, 0.05]},
     INCONCLUSIVE),
    ({"step": [0.06, 0.06], "exponential": [0.03, 0.031], "cosine": [0.06, 0.07], "1/t": [0.05, 0.05]},
     DID_NOT_HOLD),
])
def test_the_criterion(losses, status):
    numbers = _numbers(constant=[0.04, 0.042], **losses)
    assert LearningRateDecay().judge(numbers).status == status
