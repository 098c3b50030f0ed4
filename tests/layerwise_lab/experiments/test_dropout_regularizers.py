"""The dropout-regularizers experiment's rank correlation and late L1, and its criterion judged as written."""

import numpy as np
import pytest

from layerwise import regularizers
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab._dropout import dropout_mlp
from layerwise_lab.experiments.dropout_regularizers import L1, L2, ROWS, DropoutRegularizers, rank_correlation


def test_rank_correlation():
    assert rank_correlation([1, 2, 3, 4], [10, 20, 30, 40]) == pytest.approx(1.0)
    assert rank_correlation([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)
    assert rank_correlation([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5)


@pytest.mark.parametrize("towards_the_end, penalty", [(False, regularizers.L2), (True, regularizers.L1L2)])
def test_l1_is_switched_on_for_the_last_epochs_only(towards_the_end, penalty):
    model = dropout_mlp((4,), rate=0.0, kernel_regularizer=regularizers.L2(L2))
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x, y = np.random.default_rng(0).random((8, 784)).astype("float32"), np.arange(8) % 10
    DropoutRegularizers._fit(model, x, y, epochs=4, towards_the_end=towards_the_end)
    kernels = [layer.kernel.regularizer for layer in model.layers]
    assert all(type(kernel) is penalty for kernel in kernels)
    if towards_the_end:
        assert all(kernel.l1 == L1 and kernel.l2 == L2 for kernel in kernels)


def numbers(best=(0.012, 0.013), worst=(0.016, 0.017)):
    errors = {row: [0.015, 0.015] for row in ROWS}
    errors.update({"Dropout + Max-norm": list(best), "L2": list(worst)})
    return {"errors": errors, "means": {row: float(np.mean(e)) for row, e in errors.items()}, "rank_correlation": 0.8}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"best": (0.017, 0.018)}, DID_NOT_HOLD),           # dropout + max-norm errs more than L2
    ({"best": (0.016, 0.017)}, DID_NOT_HOLD),           # ... or just as much
    ({"best": (0.010, 0.0175)}, INCONCLUSIVE),          # lower on average, not in every seed
])
def test_the_criterion(case, status):
    assert DropoutRegularizers().judge(numbers(**case)).status == status
