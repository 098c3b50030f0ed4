"""Weight gradients written in blocks of columns (`layerwise.ops.dense.WEIGHT_GRADIENT_COLUMNS`, a calibrated
setting): the same gradients as in one call, through every path that forms one (the setting's rule is tested with the
others', in test_settings.py)."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.ops import _lanes, dense
from layerwise.testing import check_gradients


pytestmark = pytest.mark.usefixtures("matrix_products")


@pytest.fixture
def matmul_calls(monkeypatch):
    """The column counts of the matrix products (`layerwise.ops.products.matmul`) made while the test runs."""
    calls, original = [], dense.matmul

    def spy(a, b, *args, **kwargs):
        calls.append(b.shape[-1])
        return original(a, b, *args, **kwargs)
    monkeypatch.setattr(dense, "matmul", spy)
    return calls


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-12)])
@pytest.mark.parametrize("columns", [1, 7, 64, 100, 1000])
@pytest.mark.parametrize("overwrite", [True, False])
def test_blocks_of_columns_give_the_product_of_one_call(rng, dtype, rtol, columns, overwrite):
    x, dz = rng.standard_normal((32, 120)).astype(dtype), rng.standard_normal((32, 100)).astype(dtype)
    start = rng.standard_normal((120, 100)).astype(dtype)
    expected = x.T @ dz if overwrite else start + x.T @ dz
    layerwise.config.set_calibration(weight_gradient_columns=columns)
    got = dense.add_product(start.copy(), x.T, dz, overwrite=overwrite)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("columns, calls", [(0, [100]), (32, [32, 32, 32, 4]), (100, [100]), (500, [100])])
def test_a_weight_gradient_takes_one_blas_call_per_block(rng, matmul_calls, columns, calls):
    x, dz = rng.standard_normal((16, 50)).astype("float32"), rng.standard_normal((16, 100)).astype("float32")
    layerwise.config.set_calibration(weight_gradient_columns=columns)
    dense.add_product(np.empty((50, 100), dtype="float32"), x.T, dz, overwrite=True)
    assert matmul_calls == calls


@pytest.mark.parametrize("inputs, outputs, calls", [(50, 300, [22, 22, 64, 64, 64, 64]),  # lanes split the columns
                                                    (300, 100, [36, 36, 64, 64])])  # lanes split the rows
def test_in_lanes_each_lane_writes_its_part_in_blocks(rng, matmul_calls, monkeypatch, inputs, outputs, calls):
    monkeypatch.setattr(_lanes, "_threads", 2)  # the pool grows to match (xdist workers run with one lane)
    monkeypatch.setattr(_lanes, "MIN_LANE_BYTES", 0)
    x, dz = rng.standard_normal((16, inputs)).astype("float32"), rng.standard_normal((16, outputs)).astype("float32")
    layerwise.config.set_calibration(weight_gradient_columns=64)
    grad = np.empty((inputs, outputs), dtype="float32")
    with _lanes.all_cores():
        dense.add_product(grad, x.T, dz, overwrite=True)
    assert sorted(matmul_calls) == calls
    np.testing.assert_allclose(grad, x.T @ dz, rtol=1e-5, atol=1e-5)


def test_a_batch_above_the_measured_regime_takes_one_call(rng, matmul_calls):
    batch = dense.BLOCKED_BATCH_MAX + 1
    x, dz = rng.standard_normal((batch, 8)).astype("float32"), rng.standard_normal((batch, 100)).astype("float32")
    layerwise.config.set_calibration(weight_gradient_columns=32)
    dense.add_product(np.empty((8, 100), dtype="float32"), x.T, dz, overwrite=True)
    assert matmul_calls == [100]


def test_a_product_written_over_its_own_operand_is_not_cut_into_blocks(rng):
    # A block would overwrite the operand before the next block reads it.
    m, b = rng.standard_normal((7, 7)), rng.standard_normal((7, 7))
    expected = m @ b
    layerwise.config.set_calibration(weight_gradient_columns=3)
    np.testing.assert_allclose(dense.add_product(m, m, b, overwrite=True), expected, rtol=1e-12)


def test_only_weight_gradients_are_written_in_blocks(rng, matmul_calls):
    layerwise.config.set_calibration(weight_gradient_columns=2)
    x, kernel, dz = rng.standard_normal((4, 3)), rng.standard_normal((3, 5)), rng.standard_normal((4, 5))
    dense.dense_forward(x, kernel)
    assert matmul_calls == [5]
    matmul_calls.clear()
    dense.dense_backward(dz, x, kernel, np.empty((3, 5)), np.zeros(5), overwrite=True)
    assert matmul_calls == [2, 2, 1, 3]  # dJ/dW = x^T dz in blocks, then dJ/dx = dz W^T in one call


@pytest.mark.parametrize("overwrite", [True, False])
def test_scaled_weight_gradients_in_blocks_give_those_of_one_call(rng, overwrite):
    # DropConnect's kernels: dJ/dW' = S * (x^T dz).
    x, kernel, dz = rng.standard_normal((6, 4)), rng.standard_normal((4, 9)), rng.standard_normal((6, 9))
    scale, start = rng.random((4, 9)), rng.standard_normal((4, 9))
    grads = []
    for columns in (0, 2):
        layerwise.config.set_calibration(weight_gradient_columns=columns)
        grads.append(start.copy())
        dense.dense_backward(dz, x, kernel, grads[-1], input_gradient=False, overwrite=overwrite, grad_scale=scale)
    np.testing.assert_allclose(grads[1], grads[0], rtol=1e-12)
    np.testing.assert_allclose(grads[0], scale * (x.T @ dz) + (0 if overwrite else start), rtol=1e-12)


@pytest.mark.parametrize("layer", [lambda: layers.Dense(5, activation="tanh"),
                                   lambda: layers.Dense(5, use_bias=False)])
def test_a_dense_layer_passes_its_gradient_check_with_weight_gradients_in_blocks(rng, float64, layer):
    layerwise.config.set_calibration(weight_gradient_columns=2)
    report = check_gradients(layer(), rng.normal(size=(3, 4)))
    assert report.passed, str(report)


def test_a_model_trains_alike_with_weight_gradients_in_blocks_or_not(rng):
    x, y = rng.standard_normal((64, 20)).astype("float32"), rng.integers(0, 3, size=64)
    weights = []
    for columns in (0, 8):
        layerwise.utils.set_random_seed(0)
        layerwise.config.set_calibration(weight_gradient_columns=columns)
        model = layerwise.Sequential([layerwise.Input(shape=(20,)), layers.Dense(24, activation="relu"),
                                      layers.Dense(3, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        weights.append(model.get_weights())
    for blocked, whole in zip(*weights):
        np.testing.assert_allclose(blocked, whole, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("batch, inputs, outputs", [((2, 4), 3, 0), ((2, 4), 0, 3), ((2, 4), 0, 0), ((0,), 3, 2),
                                                     ((2, 0), 3, 2)])
def test_an_empty_axis_gives_empty_or_zero_results_instead_of_failing_to_reshape(batch, inputs, outputs):
    x, kernel = np.ones(batch + (inputs,)), np.ones((inputs, outputs))
    bias, dz = np.arange(outputs, dtype=float), np.ones(batch + (outputs,))
    np.testing.assert_array_equal(dense.dense_forward(x, kernel, bias), np.broadcast_to(bias, batch + (outputs,)))
    kernel_grad, bias_grad = np.full_like(kernel, 7.0), np.zeros(outputs)
    dx = dense.dense_backward(dz, x, kernel, kernel_grad, bias_grad, overwrite=True)
    assert dx.shape == x.shape and not dx.any()
    np.testing.assert_array_equal(kernel_grad, np.zeros_like(kernel))  # an empty batch overwrites with zeros
    np.testing.assert_array_equal(bias_grad, np.full(outputs, float(np.prod(batch))))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_the_product_norm_bound_holds_and_is_tight_within_its_factor(dtype, rng):
    a, b = rng.normal(size=(64, 30)).astype(dtype), rng.normal(size=(30, 20)).astype(dtype)
    assert np.linalg.norm(a @ b) <= dense.product_norm_bound(a, b)
    # Rank one, each row of a along each column of b: Cauchy-Schwarz holds with equality, the bound is twice the norm.
    u, v = rng.normal(size=(64, 1)).astype(dtype), rng.normal(size=(1, 20)).astype(dtype)
    a, b = u @ np.ones((1, 30), dtype), np.ones((30, 1), dtype) @ v
    np.testing.assert_allclose(dense.product_norm_bound(a, b), 2 * np.linalg.norm(a @ b), rtol=1e-5)
    # A transposed view (a weight gradient's x^T) is read in place, and its bound is the same.
    x = rng.normal(size=(30, 64)).astype(dtype)
    assert dense.product_norm_bound(x.T, b) == pytest.approx(dense.product_norm_bound(np.ascontiguousarray(x.T), b))


def test_the_product_norm_bound_of_a_non_finite_factor_is_not_finite(rng):
    a, b = rng.normal(size=(4, 3)), rng.normal(size=(3, 2))
    for bad in (np.nan, np.inf):
        a[1, 2] = bad
        assert not np.isfinite(dense.product_norm_bound(a, b))
    assert dense.product_norm_bound(np.full((2, 2), 1e30, "float32"), np.ones((2, 2), "float32")) == np.inf
