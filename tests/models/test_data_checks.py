"""`check_finite`: one read by the squared norm where it settles the question, max and min where it does not."""

import numpy as np
import pytest

from layerwise.models._data_checks import check_finite

FLOAT32_MAX = float(np.finfo(np.float32).max)


def _array(value, dtype, order="C", index=(5, 2)):
    array = np.ones((8, 4), dtype=dtype, order=order)
    array[index] = value
    return array


@pytest.mark.parametrize("order", ["C", "F"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_values_are_refused_and_named(value, dtype, order):
    with pytest.raises(ValueError, match=r"x contains NaN or inf \(first in sample 5\)"):
        check_finite(_array(value, dtype, order), "x", "fit", np.float32)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_large_finite_values_whose_squared_norm_overflows_pass(dtype):
    # ||x||^2 overflows float32 (the norm's first answer is inf), yet every value is finite: max and min decide.
    check_finite(_array(1e30, dtype), "x", "fit", np.float32)
    check_finite(_array(-0.9 * FLOAT32_MAX, "float32"), "x", "fit", np.float32)


def test_the_limit_is_the_models_dtype_for_float64_data():
    check_finite(_array(0.99 * FLOAT32_MAX, "float64"), "x", "fit", np.float32)
    with pytest.raises(ValueError, match="once cast to float32"):
        check_finite(_array(1.01 * FLOAT32_MAX, "float64"), "x", "fit", np.float32)
    check_finite(_array(1.01 * FLOAT32_MAX, "float64"), "x", "fit", np.float64)


def test_a_strided_view_is_checked_without_the_norm():
    array = _array(np.nan, "float32", index=(4, 2))[::2, ::2]
    assert not (array.flags.c_contiguous or array.flags.f_contiguous)
    with pytest.raises(ValueError, match=r"first in sample 2"):
        check_finite(array, "x", "fit", np.float32)
    check_finite(np.ones((8, 4), np.float32)[::2, ::2], "x", "fit", np.float32)
