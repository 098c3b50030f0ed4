"""The weight-decay experiment's boundary measure on known grids, and its criterion judged as written."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise_lab import DID_NOT_HOLD, HELD
from layerwise_lab.experiments.weight_decay import WeightDecay, boundary_length, predicted_grid


def test_boundary_length():
    assert boundary_length(np.zeros((10, 10))) == 0
    assert boundary_length(np.tile(np.arange(10) >= 5, (10, 1))) == 1.0        # one straight line across
    assert boundary_length(np.indices((10, 10)).sum(axis=0) % 2) == 18.0      # a checkerboard


def test_predicted_grid_of_a_linear_model():
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.array([[1.0], [0.0]]), np.zeros(1)])   # class 1 where x_1 > 0
    grid = predicted_grid(model, low=(-1.0, -1.0), high=(1.0, 1.0), resolution=4)
    assert grid.tolist() == [[0, 0, 1, 1]] * 4
    assert boundary_length(grid) == 1.0


def numbers(l1_near_zero=0.6, l2_rms=0.03, l2_max=0.6, norms=(4.0, 2.0, 0.1), lengths=(2.0, 1.9, 0.0),
            train=(0.9, 0.85, 0.5)):
    moons = {f"{strength:g}": {"norm": norm, "boundary_length": length, "train_accuracy": accuracy}
             for strength, norm, length, accuracy in zip((0.01, 0.1, 1.0), norms, lengths, train)}
    return {"mnist": {"none": {"near_zero": 0.01, "rms": 0.06, "max_abs": 0.7},
                      "L1": {"near_zero": l1_near_zero, "rms": 0.03, "max_abs": 0.9},
                      "L2": {"near_zero": 0.05, "rms": l2_rms, "max_abs": l2_max}},
            "moons": {"0": {"norm": 40.0, "boundary_length": 3.0, "train_accuracy": 1.0}, **moons}}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"l1_near_zero": 0.4}, DID_NOT_HOLD),                 # L1 leaves most weights away from zero
    ({"l2_rms": 0.055}, DID_NOT_HOLD),                     # L2 hardly shrinks
    ({"l2_max": 0.8}, DID_NOT_HOLD),                       # L2 lets peaky weights grow
    ({"norms": (4.0, 5.0, 0.1)}, DID_NOT_HOLD),            # the norm rises with λ
    ({"lengths": (2.0, 2.5, 0.0)}, DID_NOT_HOLD),          # the boundary gets longer
    ({"lengths": (2.0, 2.0, 2.0)}, DID_NOT_HOLD),          # ... or no shorter at all
    ({"train": (0.85, 0.9, 0.5)}, DID_NOT_HOLD),           # the fit gets closer with stronger L2
])
def test_the_criterion(case, status):
    assert WeightDecay().judge(numbers(**case)).status == status
