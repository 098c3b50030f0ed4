"""The Monte Carlo average of the dropout-inference experiment, and its criterion judged as written."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.dropout_inference import SAMPLES, DropoutInference, averaged_errors, tolerance


def test_averaged_errors_average_the_first_k_passes():
    labels = np.array([0, 1])
    passes = np.array([[[0.4, 0.6], [0.6, 0.4]],     # both wrong
                       [[1.0, 0.0], [0.0, 1.0]],     # both right, and sure
                       [[0.0, 1.0], [1.0, 0.0]]])    # both wrong, and sure
    assert averaged_errors(passes, labels, samples=(1, 2, 3)) == {1: 1.0, 2: 0.0, 3: 1.0}


def test_tolerance():
    assert tolerance(0.0) == 0.001 and tolerance(0.002) == 0.004


def numbers(single=0.030, fifty=0.0205, hundred=0.0200, spread=0.0004, scaled=0.020):
    means = dict(zip(SAMPLES, (single, 0.026, 0.023, 0.022, 0.021, fifty, hundred)))
    return {"weight_scaling": scaled, "monte_carlo": {str(k): {"mean": means[k], "spread": spread} for k in SAMPLES}}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"fifty": 0.025, "hundred": 0.024}, DID_NOT_HOLD),          # Monte Carlo stays worse
    ({"fifty": 0.015, "hundred": 0.015}, DID_NOT_HOLD),          # ... or ends clearly better
    ({"fifty": 0.025}, INCONCLUSIVE),                            # matches at 100 only
    ({"single": 0.0205}, INCONCLUSIVE),                          # one pass already as good: nothing to converge
    ({"fifty": 0.0225, "hundred": 0.0225, "spread": 0.002}, HELD),   # within two spreads of noisy repeats
])
def test_the_criterion(case, status):
    assert DropoutInference().judge(numbers(**case)).status == status
