"""NumPy's own BLAS called for an axpy, and plain gradient descent's step taken through it (`layerwise.ops._blas`,
`layerwise.ops.elementwise.STEP_KERNEL`)."""

import numpy as np
import pytest

import layerwise
from layerwise.ops import _blas, elementwise


def _numpy_uses_openblas():
    library = _blas.numpy_blas_library()
    return library is not None and library["internal_api"] == "openblas"


def test_numpys_openblas_is_bound_wherever_threadpoolctl_finds_it():
    assert _blas.available() == _numpy_uses_openblas()


needs_blas = pytest.mark.skipif(not _numpy_uses_openblas(), reason="NumPy's BLAS here is not OpenBLAS")


@needs_blas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_axpy_adds_the_scaled_array_in_place(dtype, rng):
    x, y = rng.standard_normal(10_001).astype(dtype), rng.standard_normal(10_001).astype(dtype)
    expected = y + dtype(-0.25) * x
    target = y
    assert _blas.axpy(-0.25, x, y)
    assert y is target and y.dtype == dtype
    np.testing.assert_allclose(y, expected, rtol=1e-6 if dtype == np.float32 else 1e-14, atol=1e-7)


@needs_blas
def test_axpy_refuses_what_blas_cannot_take_and_leaves_it_unchanged(rng):
    y = rng.standard_normal((4, 6)).astype(np.float32)
    refused = {"another dtype": (y.astype(np.float64), y.copy()),
               "not contiguous": (y[:, ::2].copy(), y.copy()[:, ::2]),
               "x not contiguous": (y[:, ::2], np.zeros((4, 3), dtype=np.float32)),
               "integers": (np.ones(5, dtype=np.int64), np.ones(5, dtype=np.int64)),
               "another size": (y.ravel()[:5].copy(), y.copy())}
    for name, (x, target) in refused.items():
        before = target.copy()
        assert not _blas.axpy(1.0, x, target), name
        np.testing.assert_array_equal(target, before)
    assert not _blas.axpy(1.0, y, y)  # x and y overlap
    frozen = y.copy()
    frozen.flags.writeable = False
    assert not _blas.axpy(1.0, y, frozen)


def test_without_numpys_openblas_nothing_is_bound_and_the_step_stays_compiled(monkeypatch, rng):
    monkeypatch.setattr(_blas, "numpy_blas_library", lambda: None)
    _blas._routines.cache_clear()
    try:
        assert not _blas.available()
        y = np.ones(3, dtype=np.float32)
        assert not _blas.axpy(1.0, np.ones(3, dtype=np.float32), y) and (y == 1).all()
        layerwise.config.set_calibration(step_kernel="blas")
        value, grad = np.ones((3, 4), dtype=np.float32), np.full((3, 4), 2.0, dtype=np.float32)
        elementwise.add_scaled_norm(value, grad, -0.5)
        np.testing.assert_array_equal(value, 0.0)
    finally:
        _blas._routines.cache_clear()


def _step(kernel, value, grad, alpha, monkeypatch):
    """The step by ``kernel``, which must take BLAS's axpy exactly when it is "blas"."""
    layerwise.config.set_calibration(step_kernel=kernel)
    calls = []
    monkeypatch.setattr(_blas, "axpy", lambda *args, axpy=_blas.axpy: calls.append(axpy(*args)) or calls[-1])
    out = value.copy()
    norm = elementwise.add_scaled_norm(out, grad, alpha)
    assert calls == ([True] if kernel == "blas" else [])
    return out, norm


@needs_blas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_blas_step_is_the_compiled_steps_result_and_norm(dtype, rng, monkeypatch):
    value, grad = rng.standard_normal((300, 70)).astype(dtype), rng.standard_normal((300, 70)).astype(dtype)
    (blas, blas_norm), (compiled, compiled_norm) = (_step(kernel, value, grad, -0.1, monkeypatch)
                                                    for kernel in ("blas", "compiled"))
    tolerance = 1e-6 if dtype == np.float32 else 1e-14
    np.testing.assert_allclose(blas, compiled, rtol=tolerance, atol=tolerance)
    np.testing.assert_allclose(blas_norm, np.vdot(blas, blas), rtol=tolerance * 10)
    if compiled_norm is not None:
        np.testing.assert_allclose(blas_norm, compiled_norm, rtol=tolerance * 10)


@needs_blas
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_blas_steps_norm_reports_a_parameter_gone_wrong(dtype, rng, monkeypatch):
    value, grad = rng.standard_normal((20, 30)).astype(dtype), rng.standard_normal((20, 30)).astype(dtype)
    grad[3, 1] = np.nan
    assert np.isnan(_step("blas", value, grad, -0.1, monkeypatch)[1])
    huge = np.full((4,), np.finfo(dtype).max / 4, dtype)  # finite, but too large to square
    assert np.isinf(_step("blas", huge, huge, 1.0, monkeypatch)[1])


@needs_blas
def test_a_zero_step_reads_its_gradient_as_the_compiled_one_does(monkeypatch):
    # BLAS's axpy returns at once for alpha 0; the compiled pass multiplies, and a NaN gradient makes a NaN.
    layerwise.config.set_calibration(step_kernel="blas")
    calls = []
    monkeypatch.setattr(_blas, "axpy", lambda *args: calls.append(1))
    value = np.ones(4, dtype=np.float32)
    norm = elementwise.add_scaled_norm(value, np.array([np.nan, 1, 2, 3], dtype=np.float32), 0.0)
    assert not calls and (norm is None or np.isnan(norm)) and np.isnan(value[0])


@needs_blas
def test_sgd_trains_alike_with_either_step_kernel_and_fit_still_reports_divergence(rng):
    x, y = rng.standard_normal((256, 20)).astype(np.float32), rng.integers(0, 3, 256)

    def train(kernel, learning_rate=0.05):
        layerwise.config.set_calibration(step_kernel=kernel)
        layerwise.utils.set_random_seed(0)
        model = layerwise.Sequential([layerwise.Input((20,)), layerwise.layers.Dense(64, activation="relu"),
                                      layerwise.layers.Dense(3, activation="softmax")])
        model.compile(optimizer=layerwise.optimizers.SGD(learning_rate), loss="sparse_categorical_crossentropy")
        history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, shuffle=False)
        return model.get_weights(), history.history["loss"]
    (blas, blas_loss), (compiled, compiled_loss) = train("blas"), train("compiled")
    for a, b in zip(blas, compiled):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(blas_loss, compiled_loss, rtol=1e-4)
    with pytest.raises(layerwise.errors.DivergenceError):
        train("blas", learning_rate=1e30)


def test_an_address_is_the_first_element_of_every_layout():
    a = np.arange(24, dtype=np.float32).reshape(4, 6)
    read_only = a.copy()
    read_only.flags.writeable = False
    for array in (a, a.T, a[1:3], a[:, 2:5], a[::2], read_only, np.broadcast_to(a[0], (3, 6))):
        assert _blas.address(array) == array.__array_interface__["data"][0]
