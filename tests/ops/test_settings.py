"""The calibrated settings of `layerwise.ops` (`layerwise.config.OPS_SETTINGS`): each is the user's to fix, and the
calibration leaves a fixed one alone (`layerwise.ops._settings.tune`)."""

import pytest

import layerwise
from layerwise.config import OPS_SETTINGS
from layerwise.ops import _mkl

CASES = [  # (choice, the user's value, another value, the calibration's value, wrong values, the error's words)
    ("conv_chunk_bytes", 2**20, 2**21, 2**21, [0], "set_chunk_bytes: count must be a positive number of bytes"),
    ("conv_input_gradient", "scatter", "flipped", "scatter", ["fft"], "'flipped', 'scatter'"),
    ("conv_algorithm", "winograd", "im2col", "winograd", ["fft"], "'im2col', 'winograd'"),
    ("winograd_chunk_bytes", 2**19, 2**22, 2**22, [0],
     "set_winograd_chunk_bytes: count must be a positive number of bytes"),
    ("step_kernel", "blas", "compiled", "blas", ["numpy"], "'compiled', 'blas'"),
    ("winograd_min_channel_ratio", 12.0, 8.0, 16.0, [-1, "8", True, float("nan")],
     "ratio must be a finite number >= 0 or None"),
    ("weight_gradient_columns", 256, 512, 512, [-1, 2.5, True, "256"], "columns must be an int >= 0"),
    ("weight_gradient_columns", 0, 512, 512, [], ""),  # one call, fixed too
    # Where MKL cannot be called, "mkl" is refused (test_products.py).
    pytest.param("matrix_products", "mkl", "numpy", "mkl", ["openblas"], "'numpy', 'mkl'",
                 marks=pytest.mark.skipif(not _mkl.available(), reason="MKL is not installed")),
]


@pytest.mark.parametrize("choice, user, other, calibrated, wrong, words", CASES)
def test_a_setting_is_the_users_to_fix_and_the_calibrations_while_the_user_sets_none(choice, user, other, calibrated,
                                                                                    wrong, words):
    module, name, default, setter = OPS_SETTINGS[choice]
    assert calibrated != default and other != user
    layerwise.config.set_calibration(**{choice: user})
    assert layerwise.config.calibration()[choice] == getattr(module, name) == user
    setter(other, calibrated=True)  # the calibration leaves the user's choice alone
    assert getattr(module, name) == user
    layerwise.config.set_calibration()
    assert getattr(module, name) == default
    setter(calibrated, calibrated=True)  # and applies while the user has set none
    assert getattr(module, name) == calibrated
    for value in wrong:
        with pytest.raises(ValueError, match=words):
            layerwise.config.set_calibration(**{choice: value})


def _values(case):
    return case.values if hasattr(case, "values") else case


def test_every_calibrated_setting_is_covered():
    assert {_values(case)[0] for case in CASES} == set(OPS_SETTINGS)


@pytest.mark.parametrize("choice, user, other, calibrated, wrong, words", [case for case in CASES if _values(case)[4]])
def test_a_refused_value_leaves_every_setting_as_it_was(choice, user, other, calibrated, wrong, words):
    """set_calibration checks its values in the table's order; one refused after others were applied undoes them,
    the user's fixed choices included, so that a calibration that runs later still leaves the fixed ones alone."""
    layerwise.config.set_calibration(conv_chunk_bytes=2**20)  # fixed by the user
    before = layerwise.config.calibration()
    everything_else = {_values(case)[0]: _values(case)[2] for case in CASES
                       if _values(case)[0] not in (choice, "conv_chunk_bytes")}
    with pytest.raises(ValueError, match=words):
        layerwise.config.set_calibration(memory_bound=True, **everything_else, **{choice: wrong[0]})
    assert layerwise.config.calibration() == before
    module, name, _, setter = OPS_SETTINGS["conv_chunk_bytes"]
    setter(2**22, calibrated=True)
    assert getattr(module, name) == 2**20


@pytest.mark.parametrize("value", ["yes", 1, None.__class__])
def test_the_lanes_choices_are_booleans_or_none(value):
    before = layerwise.config.calibration()
    with pytest.raises(ValueError, match="memory_bound must be True, False or None"):
        layerwise.config.set_calibration(memory_bound=value, step_kernel="blas")
    assert layerwise.config.calibration() == before
