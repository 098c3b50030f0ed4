"""The batch-normalization experiment's measures (the sigmoid's input as training computes it, the drift of a
distribution, the largest rate that trains, the steps to a target) and its criterion."""

import math

import numpy as np
import pytest

import layerwise
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.batch_normalization import (RATES, BatchNorm, drift, first_reaching,
                                                           largest_training_rate, main_checkpoints, sigmoid_inputs,
                                                           sigmoid_mlp)


@pytest.mark.parametrize("batch_norm", [False, True])
def test_sigmoid_inputs_are_what_the_last_sigmoid_receives_in_training(batch_norm):
    layerwise.utils.set_random_seed(0)
    model = sigmoid_mlp(batch_norm, hidden=(6, 5))
    x = np.random.default_rng(0).uniform(size=(40, 784)).astype("float32")
    norms = [layer for layer in model.layers if layer.name.startswith("bn_")]
    for layer in norms:    # moving statistics far from the batch's, which the measure must not use
        layer.gamma.value[...] = np.linspace(0.5, 2.0, layer.gamma.value.size)
        layer.beta.value[...] = np.linspace(-1.0, 1.0, layer.beta.value.size)
        layer.moving_mean.value[...] = 5.0
    moving = [layer.moving_mean.value.copy() for layer in norms]
    dense_1, dense_2 = model.get_layer("dense_1"), model.get_layer("dense_2")
    z = x @ dense_1.kernel.value + (0 if batch_norm else dense_1.bias.value)
    if batch_norm:
        z = norms[0](z, training=True)
    z = 1 / (1 + np.exp(-z)) @ dense_2.kernel.value + (0 if batch_norm else dense_2.bias.value)
    if batch_norm:
        z = norms[1](z, training=True)
        for layer, before in zip(norms, moving):
            layer.moving_mean.value[...] = before
    np.testing.assert_allclose(sigmoid_inputs(model, x), z, rtol=1e-4, atol=1e-5)
    assert all(np.array_equal(layer.moving_mean.value, before) for layer, before in zip(norms, moving))


def test_drift_is_the_largest_move_of_a_quantile_in_final_spreads():
    steady = [[-1.0, 0.0, 1.0]] * 4
    assert drift(steady) == 0.0
    assert drift([[-3.0, 0.0, 1.0], [-1.0, 0.5, 1.0], [-1.0, 0.0, 1.0]]) == pytest.approx(1.0)   # 2 / spread 2
    assert drift([[0.0, 1.0, 2.0], [0.5, 0.5, 0.5]]) == math.inf


def test_largest_training_rate_and_steps_to_target():
    assert largest_training_rate([0.1, 1.0, 10.0, 100.0], [0.91, 0.95, None, 0.92]) == 100.0
    assert largest_training_rate([0.1, 1.0], [0.5, None]) is None
    assert first_reaching([0, 100, 300], [0.1, 0.96, 0.97]) == 100
    assert first_reaching([0, 100], [0.1, 0.94]) is None


def test_main_checkpoints():
    points = main_checkpoints(50000)
    assert points[:5] == [0, 100, 300, 1000, 1923] and points[-1] == 50000 and len(points) == 30
    assert main_checkpoints(60) == sorted(set(main_checkpoints(60))) and main_checkpoints(60)[-1] == 60
    assert RATES[0] == 0.01 and RATES[-1] == 1000.0 and len(RATES) == 11


def numbers(bn_steps=2000, plain_steps=10000, bn_rate=31.6228, plain_rate=3.1623, bn_drift=0.2, plain_drift=1.0):
    return {"rates": list(RATES),
            "main": {"with BN": {"steps_to_target": bn_steps, "drift": [bn_drift] * 3},
                     "without BN": {"steps_to_target": plain_steps, "drift": [plain_drift] * 3}},
            "largest_training_rate": {"with BN": bn_rate, "without BN": plain_rate}}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),                                       # BN trains at exactly 10x on the rounded grid
    ({"plain_steps": None}, HELD),                    # only BN reaches the target
    ({"bn_steps": 6000}, DID_NOT_HOLD),               # BN is faster, but not twice as fast
    ({"bn_steps": None}, DID_NOT_HOLD),               # only the plain net reaches the target
    ({"bn_rate": 10.0}, DID_NOT_HOLD),                # BN trains at a rate only 3x larger
    ({"bn_rate": None}, DID_NOT_HOLD),                # BN trains at no rate
    ({"plain_rate": None}, HELD),                     # the plain net trains at no rate, BN does
    ({"bn_drift": 0.6}, DID_NOT_HOLD),                # BN's unit drifts more than half as far
    ({"bn_steps": None, "plain_steps": None}, INCONCLUSIVE),
    ({"plain_rate": 1000.0, "bn_rate": 1000.0}, INCONCLUSIVE),   # no limit measured on the grid
])
def test_the_criterion(case, status):
    assert BatchNorm().judge(numbers(**case)).status == status
