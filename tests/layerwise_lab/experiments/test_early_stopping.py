"""Early stopping's two runs retrace each other and restore the best epoch; its criterion judges as written."""

import numpy as np
import pytest

from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.early_stopping import EarlyStoppingExperiment, train_twice


def test_the_stopped_run_retraces_the_over_trained_one_and_restores_its_best_epoch():
    rng = np.random.default_rng(0)
    x, y = rng.random((300, 784)).astype("float32"), rng.integers(0, 10, 300)  # random labels: it must overfit
    data = ((x[:100], y[:100]), (x[100:200], y[100:200]), (x[200:], y[200:]))
    runs = train_twice(data, hidden=(32,), epochs=30, patience=2, seed=3)
    curve, stopped = runs["over-trained"]["curves"]["val_loss"], runs["early-stopped"]
    assert runs["over-trained"]["epochs_run"] == 30 and stopped["epochs_run"] < 30
    assert stopped["epochs_run"] == stopped["best_epoch"] + 2
    best = int(np.argmin(curve[:stopped["epochs_run"]]))
    assert stopped["best_epoch"] == best + 1
    np.testing.assert_allclose(stopped["val_loss"], curve[best], rtol=1e-5)


def numbers(curve, restored_val, restored_test, final_test):
    return {"runs": [{"seed": 0, "over-trained": {"curves": {"val_loss": curve}, "test_loss": final_test},
                      "early-stopped": {"best_epoch": int(np.argmin(curve)) + 1, "val_loss": restored_val,
                                        "test_loss": restored_test}}]}


@pytest.mark.parametrize("curve, restored_val, restored_test, final_test, status", [
    ([1.0, 0.5, 0.6, 0.8], 0.5, 0.52, 0.75, HELD),
    ([1.0, 0.5, 0.6, 0.8], 0.5, 0.80, 0.75, DID_NOT_HOLD),  # the restored weights test worse
    ([1.0, 0.5, 0.6, 0.8], 0.6, 0.52, 0.75, DID_NOT_HOLD),  # restored an epoch far from the minimum
    ([1.0, 0.5, 0.52, 0.53], 0.5, 0.52, 0.75, INCONCLUSIVE),  # a rise of 6%: no clear overfitting
    ([1.0, 0.7, 0.6, 0.5], 0.5, 0.5, 0.5, INCONCLUSIVE),  # the minimum is the last epoch
])
def test_the_criterion(curve, restored_val, restored_test, final_test, status):
    assert EarlyStoppingExperiment().judge(numbers(curve, restored_val, restored_test, final_test)).status == status


def test_one_failing_seed_outweighs_an_inconclusive_one():
    held, failed = numbers([1.0, 0.5, 0.52, 0.53], 0.5, 0.5, 0.5), numbers([1.0, 0.5, 0.8], 0.5, 0.9, 0.7)
    assert EarlyStoppingExperiment().judge({"runs": held["runs"] + failed["runs"]}).status == DID_NOT_HOLD
