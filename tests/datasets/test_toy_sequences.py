import numpy as np
import pytest

from layerwise.datasets.toy_sequences import adding_problem, copy_task


def test_adding_problem_marks_one_step_in_each_half_and_sums_them():
    x, y = adding_problem(200, 12, seed=3)
    assert x.dtype == np.float32 and y.dtype == np.float32
    markers = x[..., 1]
    np.testing.assert_array_equal(markers[:, :6].sum(axis=1), 1)
    np.testing.assert_array_equal(markers[:, 6:].sum(axis=1), 1)
    np.testing.assert_allclose(y[:, 0], (x[..., 0] * markers).sum(axis=1), rtol=1e-6)
    assert 0 <= x[..., 0].min() and x[..., 0].max() < 1
    assert abs(np.mean((y - 1.0) ** 2) - 1 / 6) < 0.04


def test_seeds_reproduce_and_differ():
    np.testing.assert_array_equal(adding_problem(5, 8, seed=1)[0], adding_problem(5, 8, seed=1)[0])
    assert not np.array_equal(adding_problem(5, 8, seed=1)[0], adding_problem(5, 8, seed=2)[0])
    np.testing.assert_array_equal(copy_task(5, 8, 3, seed=1)[1], copy_task(5, 8, 3, seed=1)[1])


def test_copy_task_targets_are_the_inputs_delayed():
    x, y = copy_task(4, 9, delay=3, num_symbols=5, dtype="float64")
    assert x.shape == (4, 9, 5) and y.shape == (4, 9, 6) and x.dtype == np.float64
    np.testing.assert_array_equal(y.argmax(-1)[:, 3:], x.argmax(-1)[:, :-3])
    np.testing.assert_array_equal(y.argmax(-1)[:, :3], 5)


@pytest.mark.parametrize("call, message", [
    (lambda: adding_problem(0, 10), "num_samples must be a positive integer"),
    (lambda: adding_problem(3, 1), "length must be at least 2"),
    (lambda: copy_task(3, 5, delay=5), "delay must be smaller than length"),
])
def test_invalid_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
