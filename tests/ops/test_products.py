"""Matrix products by MKL (`layerwise.ops._mkl`) against NumPy's matmul: every layout MKL takes in place, every one
it must refuse, stacks, both dtypes; MKL held to one thread in every lane; and the setting that chooses the library
(`layerwise.ops.products`). The layers' gradient checks and PyTorch parity tests run with each library too (the
``matrix_products`` fixture)."""

import os
import platform

import numpy as np
import pytest

import layerwise
from layerwise.ops import _lanes, _mkl, products

if not _mkl.available():
    if os.environ.get("CI") and platform.machine() in ("x86_64", "AMD64"):
        raise RuntimeError("CI must test MKL's matrix products on x86-64: the test extra includes the mkl extra")
    pytest.skip("MKL is not installed (pip install layerwise[mkl])", allow_module_level=True)

DTYPES = [(np.float32, 1e-5), (np.float64, 1e-12)]


def _views(rng, dtype, shape):
    """The ways one (rows, columns) operand reaches a product: contiguous, transposed, a row-strided block of a wider
    array, a transposed one, a stack's slice."""
    rows, columns = shape
    wide = rng.standard_normal((rows + 2, columns + 5)).astype(dtype)
    tall = rng.standard_normal((columns + 3, rows + 4)).astype(dtype)
    return {"contiguous": rng.standard_normal(shape).astype(dtype),
            "transposed": np.ascontiguousarray(rng.standard_normal(shape[::-1]).astype(dtype)).T,
            "block": wide[1:rows + 1, 2:columns + 2], "transposed block": tall[2:columns + 2, 1:rows + 1].T,
            "slice of a stack": rng.standard_normal((3,) + shape).astype(dtype)[1]}


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("m, k, n", [(7, 5, 3), (1, 4, 6), (6, 4, 1), (5, 1, 4), (1, 1, 1), (64, 33, 17)])
def test_every_layout_mkl_takes_in_place_gives_numpys_product(rng, dtype, rtol, m, k, n):
    for a_name, a in _views(rng, dtype, (m, k)).items():
        for b_name, b in _views(rng, dtype, (k, n)).items():
            wider = np.full((m + 1, n + 3), np.nan, dtype=dtype)
            for out in (np.full((m, n), np.nan, dtype=dtype), wider[1:, 2:n + 2]):
                assert _mkl.gemm(a, b, out) is out, (a_name, b_name)
                np.testing.assert_allclose(out, a @ b, rtol=rtol, atol=rtol, err_msg=f"{a_name} @ {b_name}")


@pytest.mark.parametrize("dtype, rtol", DTYPES)
def test_stacks_of_products_are_numpys(rng, dtype, rtol):
    a, b = rng.standard_normal((4, 6, 5)).astype(dtype), rng.standard_normal((4, 5, 3)).astype(dtype)
    cases = {"contiguous": (a, b), "transposed": (np.ascontiguousarray(a.transpose(0, 2, 1)).transpose(0, 2, 1),
                                                   np.ascontiguousarray(b.transpose(0, 2, 1)).transpose(0, 2, 1)),
             "every other matrix": (np.repeat(a, 2, axis=0)[::2], b), "one matrix": (a[:1], b[:1]),
             "one matrix repeated": (np.broadcast_to(a[:1], a.shape), b)}
    for name, (x, y) in cases.items():
        out = np.full((len(x), 6, 3), np.nan, dtype=dtype)
        assert _mkl.gemm(x, y, out) is out, name
        np.testing.assert_allclose(out, x @ y, rtol=rtol, atol=rtol, err_msg=name)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
def test_mkl_adds_a_scaled_product_into_its_output_in_every_layout(rng, dtype, rtol):
    for a_name, a in _views(rng, dtype, (7, 5)).items():
        for b_name, b in _views(rng, dtype, (5, 4)).items():
            start = rng.standard_normal((7, 4)).astype(dtype)
            out = start.copy()
            assert _mkl.gemm(a, b, out, alpha=-0.25, accumulate=True) is out, (a_name, b_name)
            np.testing.assert_allclose(out, start - dtype(0.25) * (a @ b), rtol=rtol, atol=rtol,
                                       err_msg=f"{a_name} @ {b_name}")
    assert _mkl.gemm(a, b, accumulate=True) is None  # nothing to add into


@pytest.mark.parametrize("library", ["numpy", "mkl"])
def test_a_scaled_product_is_added_in_one_pass_by_mkl_outside_lanes_only(rng, library, monkeypatch):
    monkeypatch.setattr(products, "LIBRARY", library)
    monkeypatch.setattr(_lanes, "_threads", 2)
    a, b = rng.standard_normal((6, 4)).astype("float32"), rng.standard_normal((4, 5)).astype("float32")
    start = rng.standard_normal((6, 5)).astype("float32")
    out = start.copy()
    with _lanes.all_cores():  # BLAS held to one thread: the caller forms the product in lanes instead
        assert not products.add_scaled_matmul(out, a, b, 0.5)
    np.testing.assert_array_equal(out, start)
    assert products.add_scaled_matmul(out, a, b, 0.5) == (library == "mkl")
    np.testing.assert_allclose(out, start + 0.5 * (a @ b) if library == "mkl" else start, rtol=1e-5, atol=1e-6)


def test_what_mkl_cannot_take_in_place_is_refused_untouched(rng):
    a, b = rng.standard_normal((6, 4)).astype("float32"), rng.standard_normal((4, 5)).astype("float32")
    out = np.full((6, 5), 7.0, dtype="float32")
    readonly = out.copy()
    readonly.flags.writeable = False
    refused = {
        "mixed dtypes": (a.astype("float64"), b, out),
        "integers": (a.astype("int32"), b.astype("int32"), out.astype("int32")),
        "no unit stride": (np.repeat(a, 2, axis=1)[:, ::2], b, out),
        "a transposed output": (a, b, np.full((5, 6), 7.0, dtype="float32").T),
        "an output over an operand": (a[:, :4], np.eye(4, dtype="float32"), a[:, :4]),
        "a read-only output": (a, b, readonly),
        "an empty inner axis": (a[:, :0], b[:0], out),
        "mismatched shapes": (a, b[:3], out),
        "a broadcast stack": (a[None], np.stack([b, b]), np.full((2, 6, 5), 7.0, dtype="float32")),
        "overlapping output matrices": (np.stack([a, a]), np.stack([b, b]),
                                        np.lib.stride_tricks.as_strided(out, (2, 6, 5), (4,) + out.strides)),
    }
    for name, (x, y, target) in refused.items():
        before = target.copy()
        assert _mkl.gemm(x, y, target) is None, name
        np.testing.assert_array_equal(target, before, err_msg=name)


@pytest.mark.parametrize("library", ["numpy", "mkl"])
def test_matmul_takes_either_library_and_falls_back_to_numpy(rng, library, monkeypatch):
    monkeypatch.setattr(products, "LIBRARY", library)
    calls, original = [], _mkl.gemm
    monkeypatch.setattr(_mkl, "gemm", lambda *arrays: calls.append(1) or original(*arrays))
    a, b = rng.standard_normal((6, 4)).astype("float32"), rng.standard_normal((4, 5)).astype("float32")
    np.testing.assert_allclose(products.matmul(a, b), a @ b, rtol=1e-5)
    out = np.empty((6, 5), dtype="float32")
    assert products.matmul(a, b, out=out) is out
    np.testing.assert_allclose(out, a @ b, rtol=1e-5)
    assert len(calls) == (2 if library == "mkl" else 0)
    for x, y in [(a, b.astype("float64")), (a[:, ::2], b[::2]), (a[None], np.stack([b, b]))]:  # not in place
        np.testing.assert_allclose(products.matmul(x, y), np.matmul(x, y), rtol=1e-5)


def test_every_lane_holds_mkl_to_one_thread(monkeypatch):
    """threadpoolctl holds MKL per thread: each pool thread holds its own, or its products would take every core
    beside the other lanes."""
    from threadpoolctl import threadpool_info

    monkeypatch.setattr(_lanes, "_threads", 2)

    def mkl_threads(_lane, _start, _stop):
        return [library["num_threads"] for library in threadpool_info() if library["internal_api"] == "mkl"]
    with _lanes.all_cores():
        held = _lanes.run_lanes(mkl_threads, [(0, 1), (1, 2)])
    assert held == [[1], [1]]


def test_the_library_is_a_calibrated_setting_refused_where_mkl_cannot_be_called(monkeypatch):
    layerwise.config.set_calibration(matrix_products="mkl")
    assert products.LIBRARY == "mkl" and layerwise.config.calibration()["matrix_products"] == "mkl"
    layerwise.config.set_calibration()
    assert products.LIBRARY == products.DEFAULT_LIBRARY == "numpy"
    monkeypatch.setattr(_mkl, "available", lambda: False)
    with pytest.raises(ValueError, match="MKL cannot be called here"):
        layerwise.config.set_calibration(matrix_products="mkl")
    assert products.LIBRARY == "numpy"


def test_a_model_trains_alike_by_either_library(rng):
    x, y = rng.standard_normal((64, 20)).astype("float32"), rng.integers(0, 3, size=64)
    weights = []
    for library in ("numpy", "mkl"):
        layerwise.utils.set_random_seed(0)
        layerwise.config.set_calibration(matrix_products=library)
        model = layerwise.Sequential([layerwise.Input(shape=(20,)), layerwise.layers.Dense(24, activation="relu"),
                                      layerwise.layers.Dense(3, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
        weights.append(model.get_weights())
    for by_mkl, by_numpy in zip(*weights):
        np.testing.assert_allclose(by_mkl, by_numpy, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
def test_mkls_step_and_squared_norm_are_numpys(rng, dtype, rtol):
    x, y = rng.standard_normal(10_001).astype(dtype), rng.standard_normal(10_001).astype(dtype)
    expected, target = y + dtype(-0.25) * x, y
    assert _mkl.axpy(-0.25, x, y)
    assert y is target
    np.testing.assert_allclose(y, expected, rtol=rtol, atol=rtol)
    np.testing.assert_allclose(_mkl.squared_norm(y), np.vdot(y, y), rtol=10 * rtol)
    assert _mkl.squared_norm(y[::2]) == np.vdot(y[::2], y[::2])  # not contiguous: NumPy's


def test_mkls_step_refuses_what_it_cannot_take_and_leaves_it_unchanged(rng):
    y = rng.standard_normal((4, 6)).astype(np.float32)
    frozen = y.copy()
    frozen.flags.writeable = False
    refused = {"another dtype": (y.astype(np.float64), y.copy()),
               "not contiguous": (y[:, ::2].copy(), y.copy()[:, ::2]),
               "integers": (np.ones(5, dtype=np.int64), np.ones(5, dtype=np.int64)),
               "another size": (y.ravel()[:5].copy(), y.copy()), "overlapping": (y, y), "read-only": (y, frozen)}
    for name, (x, target) in refused.items():
        before = target.copy()
        assert not _mkl.axpy(1.0, x, target), name
        np.testing.assert_array_equal(target, before, err_msg=name)


@pytest.mark.parametrize("library", ["numpy", "mkl"])
def test_blas_step_and_checks_take_the_library_of_the_products_outside_lanes_only(library, monkeypatch):
    """A model whose passes run in lanes takes the compiled step and NumPy's checks (BLAS held to one thread); a dense
    model, whose passes leave the cores to BLAS, takes the axpy and the dot product of the library of its products."""
    from layerwise.ops import _blas

    monkeypatch.setattr(_lanes, "_threads", 2)
    layerwise.config.set_calibration(memory_bound=True, dense=False, matrix_products=library, step_kernel="blas")
    own, other = (_mkl, _blas) if library == "mkl" else (_blas, _mkl)
    calls, data = [], [None]

    def spy(module, name, original):
        def called(*args):
            if args[0] is not data[0]:  # the data's check before the step (`check_finite`) reads x by BLAS's dot
                calls.append((module, name))
            return original(*args)
        return called
    for module in (own, other):
        for name in ("axpy", "squared_norm"):
            monkeypatch.setattr(module, name, spy(module, name, getattr(module, name)))
    convolutional = layerwise.Sequential([layerwise.Input((8, 8, 1)), layerwise.layers.Conv2D(4, 3),
                                          layerwise.layers.Flatten(), layerwise.layers.Dense(2)])
    dense = layerwise.Sequential([layerwise.Input((6,)), layerwise.layers.Dense(2)])
    for model, x in ((convolutional, np.ones((4, 8, 8, 1), "float32")), (dense, np.ones((4, 6), "float32"))):
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        calls.clear()
        data[:] = [x]
        model.train_on_batch(x, np.array([0, 1, 0, 1]))
        if model is convolutional:
            assert calls == []
        else:  # the kernel gradient's bound (||x||, ||dJ/dz||), the bias gradient checked, each parameter stepped:
            # MKL adds -α x^T dJ/dz into the kernel in its product (`Parameter.grad_factors`), and the check after the
            # steps reads the kernel (a first step: no bound on ||θ|| kept yet); NumPy forms it first
            bias_step = [(own, "axpy"), (own, "squared_norm")]
            kernel_step = [(own, "axpy"), (own, "squared_norm")]
            steps = bias_step + [(own, "squared_norm")] if library == "mkl" else kernel_step + bias_step
            assert calls == [(own, "squared_norm")] * 3 + steps
