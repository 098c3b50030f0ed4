"""The compiled kernels (Numba) against NumPy's reference kernels: the same outputs, argmax routing and gradients,
in both dtypes, on windows that tile exactly or leave rows and columns uncovered, with ties and NaNs, in lanes;
and the switch between them."""

import importlib.util
import os

import numpy as np
import pytest

import layerwise
from layerwise.ops import _compiled, _lanes
from layerwise.ops.pooling import max_pool_backward, max_pool_forward, pool_geometry

if importlib.util.find_spec("numba") is None:
    if os.environ.get("CI"):
        raise RuntimeError("CI must test the compiled kernels: the test extra includes the numba extra")
    pytest.skip("the numba extra is not installed", allow_module_level=True)


@pytest.fixture(params=["numba", "numpy"])
def kernels(request):
    saved = layerwise.config.kernels()
    layerwise.config.set_kernels(request.param)
    yield request.param
    layerwise.config.set_kernels(saved)


def _both(function):
    """function() with the NumPy kernels, then with the compiled ones."""
    saved, results = layerwise.config.kernels(), []
    try:
        for name in ("numpy", "numba"):
            layerwise.config.set_kernels(name)
            results.append(function())
    finally:
        layerwise.config.set_kernels(saved)
    return results


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape, pool",
                         [((5, 8, 8, 3), 2), ((3, 9, 7, 4), 2), ((2, 9, 9, 5), 3), ((4, 6, 10, 1), (3, 2))])
@pytest.mark.parametrize("lanes", [1, 2])
def test_compiled_max_pooling_is_numpys(shape, pool, dtype, lanes, rng):
    pool = (pool, pool) if isinstance(pool, int) else pool
    # Few distinct values: many ties, which must go to the first offset in row-major order in both.
    x = rng.integers(0, 3, size=shape).astype(dtype)
    geometry = pool_geometry(shape[1:3], pool, pool, "valid")
    dy = rng.standard_normal((shape[0],) + geometry.output_hw + shape[-1:]).astype(dtype)
    threads = _lanes.threads()
    _lanes.set_threads(lanes)
    try:
        def passes():
            with _lanes.all_cores():
                y, argmax = max_pool_forward(x, geometry)
                inference = max_pool_forward(x, geometry, with_argmax=False)[0]
                return y, inference, max_pool_backward(dy, argmax, geometry)
        reference, compiled = _both(passes)
    finally:
        _lanes.set_threads(threads)
    for expected, received in zip(reference, compiled):
        assert received.dtype == dtype
        np.testing.assert_array_equal(received, expected)


def test_windows_of_more_offsets_than_a_byte_counts_run_numpys(rng):
    x = rng.standard_normal((2, 17, 17, 2)).astype(np.float32)
    geometry = pool_geometry((17, 17), (17, 17), (17, 17), "valid")
    dy = rng.standard_normal((2, 1, 1, 2)).astype(np.float32)
    reference, compiled = _both(lambda: max_pool_backward(dy, max_pool_forward(x, geometry)[1], geometry))
    np.testing.assert_array_equal(compiled, reference)
    assert (compiled != 0).sum() == 4


def test_a_nan_in_a_window_is_its_maximum_as_numpys(rng):
    x = rng.standard_normal((2, 4, 4, 3)).astype(np.float32)
    x[0, 0, 0, 0] = x[0, 1, 3, 1] = x[1, 2, 2, 2] = np.nan
    geometry = pool_geometry((4, 4), (2, 2), (2, 2), "valid")
    reference, compiled = _both(lambda: max_pool_forward(x, geometry)[0])
    np.testing.assert_array_equal(compiled, reference)
    assert np.isnan(compiled).sum() == 3


def test_the_max_pooling_layer_trains_alike_with_either_kernels(kernels, rng, float64):
    x = rng.standard_normal((3, 6, 6, 2))
    layer = layerwise.layers.MaxPooling2D()
    check = layerwise.testing.check_gradients(layer, x)
    assert check.passed, check


def test_the_kernels_are_chosen_and_reported():
    saved = layerwise.config.kernels()
    try:
        layerwise.config.set_kernels("numpy")
        assert layerwise.config.info()["kernels"] == "numpy" and not _compiled.runs_on(np.ones(1))
        layerwise.config.set_kernels("numba")
        assert layerwise.config.kernels() == "numba" and _compiled.runs_on(np.ones(1))
        with pytest.raises(ValueError, match="'numba' or 'numpy'"):
            layerwise.config.set_kernels("cython")
    finally:
        layerwise.config.set_kernels(saved)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_computes_alike_with_either_kernels(dtype, training, rng):
    x = rng.standard_normal((6, 5, 4, 3)).astype(dtype) * 2 + 1
    dy = rng.standard_normal(x.shape).astype(dtype)

    def passes():
        layerwise.utils.set_random_seed(0)
        layer = layerwise.layers.BatchNormalization(dtype=dtype, center=True, scale=True)
        layer(x)
        layer.gamma.assign(rng_gamma)
        layer.moving_variance.assign(np.full(3, 2.0))
        with _lanes.all_cores():
            y = layer.forward(x, training=training)
            dx = layer.backward(dy)
        return y, dx, layer.gamma.grad.copy(), layer.beta.grad.copy()
    rng_gamma = rng.uniform(0.5, 2.0, 3)
    reference, compiled = _both(passes)
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    for expected, received in zip(reference, compiled):
        assert received.dtype == dtype
        np.testing.assert_allclose(received, expected, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("offset", [0.0, 1e4])
def test_batch_normalizations_moments_are_exact_to_the_dtype_far_from_zero_too(dtype, offset, rng):
    from layerwise.ops.normalization import fold_channels, folded_moments

    x = (rng.standard_normal((8, 6, 6, 3)) * [0.5, 1.0, 3.0] + offset).astype(dtype)
    exact = x.astype(np.float64).reshape(-1, 3)
    for mean, variance in _both(lambda: folded_moments(*fold_channels(x))):
        assert mean.dtype == variance.dtype == dtype
        np.testing.assert_allclose(mean, exact.mean(axis=0), rtol=1e-6 if dtype == np.float32 else 1e-13)
        # x - mean summed in float32 would lose 1e4 / 0.5 of the variance's digits; shifted float64 sums keep them
        np.testing.assert_allclose(variance, exact.var(axis=0), rtol=1e-6 if dtype == np.float32 else 1e-12)


def test_batch_normalization_trains_alike_with_either_kernels(kernels, rng, float64):
    layer = layerwise.layers.BatchNormalization()
    check = layerwise.testing.check_gradients(layer, rng.standard_normal((4, 3, 3, 2)))
    assert check.passed, check


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("in_place", [False, True])
def test_relu_is_numpys_nan_and_infinities_included(dtype, in_place, rng):
    from layerwise import activations
    x = rng.standard_normal((3, 7, 5)).astype(dtype)
    x[0, 0, :3] = np.nan, np.inf, -np.inf

    def relu():
        source = x.copy()
        return activations.relu(source, out=source if in_place else None)
    reference, compiled = _both(relu)
    assert compiled.dtype == dtype and np.isnan(compiled[0, 0, 0]) and compiled[0, 0, 1] == np.inf
    np.testing.assert_array_equal(compiled, reference)
    np.testing.assert_array_equal(compiled[~np.isnan(x)], np.where(x > 0, x, 0)[~np.isnan(x)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relus_gradient_is_numpys_nan_and_infinity_included(dtype, rng):
    from layerwise import activations
    y = activations.relu(rng.standard_normal((4, 6, 5)).astype(dtype))
    dy = rng.standard_normal(y.shape).astype(dtype)
    dy[0, 0, :2], dy[1, 1, :2] = np.nan, np.inf
    relu = activations.get("relu")
    with np.errstate(invalid="ignore"):  # NumPy warns of inf * 0
        reference, compiled = _both(lambda: relu.backward(dy, None, y))
    assert compiled.dtype == dtype and np.isnan(compiled).any()
    np.testing.assert_array_equal(compiled, reference)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_plain_gradient_step_is_numpys(dtype, rng):
    from layerwise.ops.elementwise import add_scaled_norm
    value, grad = rng.standard_normal((7, 5)).astype(dtype), rng.standard_normal((7, 5)).astype(dtype)

    def step():
        out = value.copy()
        add_scaled_norm(out, grad, -0.1)
        return out
    reference, compiled = _both(step)
    assert compiled.dtype == dtype
    np.testing.assert_allclose(compiled, reference, rtol=1e-6 if dtype == np.float32 else 1e-15, atol=0)
    np.testing.assert_allclose(compiled, value - dtype(0.1) * grad, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_compiled_step_sums_the_squared_norm_of_its_result_in_the_same_pass(dtype, rng):
    from layerwise.ops.elementwise import add_scaled_norm
    value, grad = rng.standard_normal((7, 5)).astype(dtype), rng.standard_normal((7, 5)).astype(dtype)
    def step():
        out = value.copy()
        return out, add_scaled_norm(out, grad, -0.1)
    (_, numpy_norm), (stepped, norm) = _both(step)
    assert numpy_norm is None  # NumPy's step would take another pass to sum it: the caller reads the result itself
    np.testing.assert_allclose(norm, np.vdot(stepped, stepped), rtol=1e-5 if dtype == np.float32 else 1e-12)
    grad[3, 1] = np.nan
    assert np.isnan(_both(lambda: add_scaled_norm(value.copy(), grad, -0.1))[1])
    huge = np.full((4,), np.finfo(dtype).max / 4, dtype)  # finite, but too large to square
    assert np.isinf(_both(lambda: add_scaled_norm(huge.copy(), huge, 1.0))[1])


def test_sgd_trains_alike_with_either_kernels(rng):
    x, y = rng.standard_normal((64, 8)).astype(np.float32), rng.integers(0, 3, 64)

    def train():
        layerwise.utils.set_random_seed(0)
        model = layerwise.Sequential([layerwise.Input((8,)), layerwise.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0, shuffle=False)
        return model.get_weights()
    reference, compiled = _both(train)
    for expected, received in zip(reference, compiled):
        np.testing.assert_allclose(received, expected, rtol=1e-5, atol=1e-6)


def test_float16_runs_numpys_kernels_which_numba_cannot_compile(rng):
    x = rng.standard_normal((2, 4, 4, 3)).astype(np.float16)
    geometry = pool_geometry((4, 4), (2, 2), (2, 2), "valid")
    reference, compiled = _both(lambda: max_pool_forward(x, geometry)[0])
    assert compiled.dtype == np.float16
    np.testing.assert_array_equal(compiled, reference)
    assert not _compiled.runs_on(x)
    assert _compiled.runs_on(x.astype(np.float32)) == (layerwise.config.kernels() == "numba")


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(9, 6), (2, 5, 6)])
def test_a_dense_layers_bias_and_relu_in_one_pass_equal_numpys_two(dtype, shape, monkeypatch):
    from layerwise.ops.dense import dense_forward, rectified_dense_forward
    rng = np.random.default_rng(0)
    x, kernel, bias = (rng.normal(size=s).astype(dtype) for s in (shape, (6, 7), (7,)))
    x[0, 0] = np.nan  # a NaN stays NaN, as NumPy's maximum keeps it
    expected = np.maximum(dense_forward(x, kernel, bias), 0)
    compiled, reference = _both(lambda: rectified_dense_forward(x, kernel, bias))
    monkeypatch.setattr(_lanes, "_threads", 2)
    monkeypatch.setattr(_lanes, "MIN_LANE_BYTES", 1)
    with _lanes.all_cores():
        in_lanes = rectified_dense_forward(x, kernel, bias)
    for result in (compiled, reference, in_lanes):
        assert result.shape == shape[:-1] + (7,) and result.dtype == dtype
        np.testing.assert_array_equal(result, expected)
    assert np.isnan(compiled.reshape(-1, 7)[0]).all()


def test_a_dense_layer_takes_the_fused_pass_for_relu_with_a_bias_only(monkeypatch):
    from layerwise.layers.core import dense
    calls = []
    monkeypatch.setattr(dense, "rectified_dense_forward", lambda *args: calls.append(args) or np.zeros((2, 3)))
    x = np.ones((2, 4), "float32")
    for activation, use_bias, fused in (("relu", True, True), (layerwise.activations.relu, True, True),
                                        ("relu", False, False), ("sigmoid", True, False), ("relu6", True, False)):
        calls.clear()
        layer = layerwise.layers.Dense(3, activation=activation, use_bias=use_bias)
        layer(x)
        assert bool(calls) is fused and (layer.z is None if fused else True)


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-6), (np.float64, 1e-14)])
def test_the_compiled_softmax_of_rows_matches_numpys_with_its_nans(kernels, dtype, rtol):
    from layerwise.activations import softmax
    x = (np.random.default_rng(0).normal(size=(64, 10)) * 10).astype(dtype)
    x[1, 3], x[2, 0], x[3, 5] = np.nan, np.inf, -np.inf
    with np.errstate(invalid="ignore"):  # NumPy's inf - inf
        reference = np.exp(x - x.max(axis=1, keepdims=True))
        reference /= reference.sum(axis=1, keepdims=True)
        result = softmax(x.copy())
        in_place = x.copy()
        assert softmax(in_place, out=in_place) is in_place
    for values in (result, in_place):
        assert values.dtype == dtype
        np.testing.assert_allclose(values, reference, rtol=rtol, atol=rtol)  # NaN where NumPy's is NaN
    assert np.isnan(result[1]).all() and np.isnan(result[2]).all() and result[3, 5] == 0
