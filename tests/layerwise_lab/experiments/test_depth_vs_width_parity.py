"""The parity construction is exact, training fits small parity, and the criterion judges as written."""

import pytest

import layerwise
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.depth_vs_width_parity import (DepthVsWidthParity, constructed_accuracy, fits_parity,
                                                              parity_data, parity_network)


@pytest.mark.parametrize("n_bits", [1, 4, 7])
def test_n_step_units_compute_n_bit_parity(n_bits):
    assert constructed_accuracy(n_bits) == 1.0


def test_a_wide_shallow_network_fits_3_bit_parity_and_one_unit_does_not():
    layerwise.utils.set_random_seed(0)
    assert fits_parity(parity_network(3, 8, depth=1), *parity_data(3), steps=1000)
    assert not fits_parity(parity_network(3, 1, depth=1), *parity_data(3), steps=250)


BITS = [2, 3, 4, 5, 6, 7, 8]


@pytest.mark.parametrize("shallow, deep, status", [
    ([2, 4, 8, 16, 32, 48, 64], [2, 2, 3, 3, 4, 4, 5], HELD),
    ([2, 4, 8, 16, 32, 48, 64], [2, 4, 8, 16, 32, 48, 64], DID_NOT_HOLD),  # deep no cheaper
    ([2, 3, 4, 5, 6, 8, 8], [2, 2, 3, 3, 4, 4, 5], DID_NOT_HOLD),  # linear shallow growth
    ([2, 4, 8, 16, 32, 64, None], [2, 2, 3, 3, 4, 4, 5], INCONCLUSIVE),  # shallow censored
    ([2, 4, 8, 16, 32, 48, 64], [2, 2, 3, 3, 4, None, None], INCONCLUSIVE),  # deep censored
])
def test_the_criterion(shallow, deep, status):
    def params(widths, depth):
        return [None if w is None else w * (n + 1) + (depth - 1) * w * (w + 1) + w + 1 for n, w in zip(BITS, widths)]

    numbers = {"bits": BITS, "shallow_width": shallow, "deep_width": deep, "shallow_params": params(shallow, 1),
               "deep_params": params(deep, 3)}
    assert DepthVsWidthParity().judge(numbers).status == status
