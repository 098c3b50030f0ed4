"""The activation experiment's criterion judges as written, and how it picks a learning rate."""

import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.activation_functions import Activations, final_validation


def numbers(sigmoid=0.1, rectifier=0.95, relu_proper=0.02, relu_large=0.4, leaky_large=0.05):
    return {"test_accuracy": {"sigmoid": sigmoid, "tanh": 0.9, "relu": rectifier, "leaky_relu": rectifier,
                              "prelu": rectifier},
            "dead_fraction": {"relu": {"proper": relu_proper, "large": relu_large},
                              "leaky_relu": {"proper": 0.01, "large": leaky_large}}}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"sigmoid": 0.92}, DID_NOT_HOLD),            # sigmoid trains as well as the rectifiers
    ({"rectifier": None}, DID_NOT_HOLD),          # the rectifiers diverged at every rate
    ({"relu_large": 0.05}, DID_NOT_HOLD),         # the large rate kills too few ReLUs
    ({"relu_proper": 0.3}, DID_NOT_HOLD),         # ... no more than the proper rate does
    ({"leaky_large": 0.3}, DID_NOT_HOLD),         # leaky ReLU loses its units as well
    ({"leaky_large": None}, INCONCLUSIVE),        # a net diverged: its units cannot be counted
])
def test_the_criterion(case, status):
    assert Activations().judge(numbers(**case)).status == status


def test_final_validation_prefers_any_rate_to_one_that_diverged():
    assert final_validation({"val_accuracy": [0.3, 0.7]}) == 0.7
    assert final_validation({"val_accuracy": None}) < 0
