"""The optimizer experiment's saddle escape matches plain SGD's closed form, and its criterion judges as written."""

import math

import numpy as np
import pytest

from layerwise.datasets.toy import saddle_gradient
from layerwise.plot import optimizer_trajectory
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.optimizer_comparison import (ADAPTIVE, OPTIMIZERS, SADDLE_START, Optimizers, escape_step,
                                                  make_optimizer)


@pytest.mark.parametrize("rate", [0.01, 0.1])
def test_sgd_escapes_when_the_closed_form_says(rate):
    # SGD on u^2 - v^2: u_t = u_0 (1 - 2α)^t, v_t = v_0 (1 + 2α)^t.
    (u, v), t = SADDLE_START, np.arange(1000)
    expected = int(np.flatnonzero((u * (1 - 2 * rate) ** t) ** 2 - (v * (1 + 2 * rate) ** t) ** 2 <= -1)[0])
    with np.errstate(over="ignore", invalid="ignore"):
        trajectory = optimizer_trajectory(make_optimizer("SGD", rate), saddle_gradient, SADDLE_START, 999)
    assert escape_step(trajectory) == expected


def test_escape_step_is_none_for_a_run_that_stays():
    assert escape_step([[1.0, 0.0], [0.5, 0.5], [0.0, 0.9]]) is None
    assert escape_step([[1.0, 0.0], [0.0, 1.0], [0.0, 1.5]]) == 1


def test_every_optimizer_takes_its_step_size():
    for name in OPTIMIZERS:
        assert math.isclose(make_optimizer(name, 0.03).learning_rate, 0.03)


def _numbers(adagrad_steps=20, momentum_loss=0.5):
    escape = {name: [10, 10] for name in ADAPTIVE} | {"SGD": [100, 30], "momentum": [50, 20], "Nesterov": [50, 20]}
    escape["AdaGrad"] = [adagrad_steps, 10]
    curves = {name: [[2.0, 1.0]] for name in OPTIMIZERS} | {"momentum": [[2.0, momentum_loss]],
                                                           "Nesterov": [[2.0, 0.5]]}
    return {"saddle": {"rates": [0.01, 0.1], "max_steps": 1000, "escape_steps": escape},
            "training_loss": {"moons": curves, "MNIST": curves}}


@pytest.mark.parametrize("adagrad_steps, momentum_loss, status", [
    (20, 0.5, HELD), (None, 0.5, DID_NOT_HOLD), (100, 0.5, DID_NOT_HOLD), (20, 1.0, DID_NOT_HOLD),
    (20, 0.9, INCONCLUSIVE)])
def test_the_criterion(adagrad_steps, momentum_loss, status):
    assert Optimizers().judge(_numbers(adagrad_steps, momentum_loss)).status == status
