"""The search space: each kind of hyperparameter, its default, its grid, and clear errors for bad definitions."""

import pytest

from layerwise.tuning import HyperParameters, Objective
from layerwise.tuning.hyperparameters import grid_size, grid_space


def test_defaults_fixed_values_and_the_recorded_space():
    hp = HyperParameters()
    assert hp.Int("units", 8, 64, step=8) == 8 and hp.Int("depth", 1, 3, default=2) == 2
    assert hp.Float("rate", 0.1, 0.5) == 0.1 and hp.Choice("act", ["relu", "tanh"]) == "relu"
    assert hp.Boolean("bn") is False and hp.Fixed("width", 7) == 7
    assert hp.values == {"units": 8, "depth": 2, "rate": 0.1, "act": "relu", "bn": False, "width": 7}
    assert hp.Int("units", 8, 64, step=8) == 8  # asked again, identically: the same value
    fixed = HyperParameters({"units": 24})
    assert fixed.Int("units", 8, 64, step=8) == 24 and fixed.get("units") == 24


def test_grids():
    hp = HyperParameters()
    hp.Int("units", 8, 32, step=8)
    hp.Float("dropout", 0.0, 0.3, step=0.1)
    hp.Float("lr", 1e-3, 1e-1, step=10, sampling="log")
    hp.Boolean("bn")
    assert hp.space["units"].grid() == [8, 16, 24, 32]
    assert hp.space["dropout"].grid() == [0.0, 0.1, 0.2, 0.3]
    assert hp.space["lr"].grid() == pytest.approx([1e-3, 1e-2, 1e-1])
    assert hp.Float("rate", 0.01, 0.1, step=10 ** 0.5, sampling="log") == 0.01
    assert hp.space["rate"].grid() == [0.01, 0.0316227766017, 0.1]  # the last one exactly the bound
    assert hp.space["bn"].grid() == [False, True]

    def build(hp):
        hp.Int("units", 8, 32, step=8)
        hp.Choice("act", ["relu", "tanh", "elu"])

    space = grid_space(build)
    assert space == {"units": [8, 16, 24, 32], "act": ["relu", "tanh", "elu"]} and grid_size(space) == 12


@pytest.mark.parametrize("define, message", [
    (lambda hp: hp.Int("units", 64, 8), "expected numbers min_value <= max_value, received 64 and 8"),
    (lambda hp: hp.Int("units", 8, 64, step=0), "step must be a positive number, received 0"),
    (lambda hp: hp.Int("units", 8.0, 64), "must be integers"),
    (lambda hp: hp.Int("units", 8, 64, step=2, sampling="log"), "log sampling draws every integer"),
    (lambda hp: hp.Float("lr", 0.0, 1.0, sampling="log"), "log sampling needs min_value > 0, received 0.0"),
    (lambda hp: hp.Float("lr", 0.1, 1.0, sampling="cubic"), "sampling must be one of"),
    (lambda hp: hp.Float("lr", 0.1, 1.0, default=2.0), r"default must lie in \[0.1, 1.0\], received 2.0"),
    (lambda hp: hp.Choice("act", []), "values must be a non-empty list"),
    (lambda hp: hp.Choice("act", ["relu", 1]), "all of one kind"),
    (lambda hp: hp.Choice("act", ["relu", "relu"]), "values must differ"),
    (lambda hp: hp.Choice("act", ["relu"], default="tanh"), "default must be one of"),
    (lambda hp: (hp.Int("units", 8, 64), hp.Int("units", 8, 128)), "'units' is defined twice, differently"),
])
def test_a_bad_definition_names_the_hyperparameter_and_the_value(define, message):
    with pytest.raises(ValueError, match=message):
        define(HyperParameters())


def test_no_grid_without_a_step_and_no_search_without_hyperparameters():
    with pytest.raises(ValueError, match=r"hp.Float\('lr'\) has no grid: give it a step"):
        grid_space(lambda hp: hp.Float("lr", 1e-3, 1e-1, sampling="log"))
    with pytest.raises(ValueError, match="asked for no hyperparameter"):
        grid_space(lambda hp: None)
    with pytest.raises(KeyError, match="no hyperparameter 'units'; the hyperparameters are"):
        HyperParameters().get("units")


def test_the_objectives_direction():
    assert Objective.get("val_accuracy") == Objective("val_accuracy", "max")
    assert Objective.get("val_loss").direction == "min"
    with pytest.raises(ValueError, match=r"pass Objective\('val_f1', 'max'\)"):
        Objective.get("val_f1")
    with pytest.raises(ValueError, match="direction must be 'max' or 'min'"):
        Objective("val_f1", "up")
