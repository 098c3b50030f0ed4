"""The per-machine calibration of how model passes use the cores: measured, cached per machine, overridable,
reported, and obeyed by the executor."""

import json
import subprocess
import sys

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.models import _calibration
from layerwise.ops import _blas, _lanes, _mkl, conv, dense, elementwise, products, winograd

CHOSEN = {"memory_bound": True, "dense": False, "matrix_products": products.DEFAULT_LIBRARY,
          "conv_chunk_bytes": conv.DEFAULT_CHUNK_BYTES,
          "conv_input_gradient": conv.DEFAULT_INPUT_GRADIENT, "conv_algorithm": conv.DEFAULT_ALGORITHM,
          "winograd_chunk_bytes": conv.DEFAULT_WINOGRAD_CHUNK_BYTES, "step_kernel": elementwise.DEFAULT_STEP_KERNEL,
          "winograd_min_channel_ratio": winograd.DEFAULT_MIN_CHANNEL_RATIO,
          "weight_gradient_columns": dense.DEFAULT_WEIGHT_GRADIENT_COLUMNS}
# What fast_measure returns.
MEASURED = {**CHOSEN, "conv_chunk_bytes": 2**21, "conv_input_gradient": "scatter", "conv_algorithm": "winograd",
            "winograd_chunk_bytes": 2**22, "step_kernel": "blas", "weight_gradient_columns": 512,
            "winograd_min_channel_ratio": 16.0,
            "matrix_products": "mkl" if _mkl.available() else "numpy"}


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERWISE_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("LAYERWISE_CALIBRATION", raising=False)
    monkeypatch.setattr(_calibration, "BUSY_CORES", float("inf"))
    return tmp_path / "calibration.json"


@pytest.fixture
def fast_measure(monkeypatch):
    calls = []

    def measure(repeats=5):
        calls.append(repeats)
        return {**MEASURED, "timings": {"step_kernel_ms": {"compiled": 1.0, "blas": 0.8}}}
    monkeypatch.setattr(_calibration, "measure", measure)
    return calls


def test_a_calibration_is_measured_once_then_read_from_the_cache_of_this_machine(cache, fast_measure):
    first = layerwise.config.calibrate(force=True)
    assert first["source"] == "measured" and len(fast_measure) == 1
    entries = json.loads(cache.read_text())
    assert list(entries) == [_calibration.machine_key()]
    again = layerwise.config.calibrate()
    assert again["source"] == "cache" and len(fast_measure) == 1
    assert layerwise.config.calibration() == MEASURED
    assert layerwise.config.info()["calibration"] == MEASURED
    assert conv.CACHE_CHUNK_BYTES == 2**21 and elementwise.STEP_KERNEL == "blas"
    assert dense.WEIGHT_GRADIENT_COLUMNS == 512


def test_a_cached_choice_without_a_newer_setting_is_measured_anew(cache, fast_measure):
    older = {key: value for key, value in MEASURED.items() if key != "weight_gradient_columns"}
    cache.write_text(json.dumps({_calibration.machine_key(): older}))
    assert layerwise.config.calibrate()["source"] == "measured" and len(fast_measure) == 1
    assert json.loads(cache.read_text())[_calibration.machine_key()]["weight_gradient_columns"] == 512


def test_another_machine_key_measures_anew(cache, fast_measure, monkeypatch):
    layerwise.config.calibrate()
    monkeypatch.setattr(_calibration, "machine_key", lambda: "another CPU | another BLAS")
    assert layerwise.config.calibrate()["source"] == "measured" and len(fast_measure) == 2
    assert len(json.loads(cache.read_text())) == 2


def test_a_busy_machine_keeps_the_default_rule_and_caches_nothing(cache, fast_measure, monkeypatch):
    monkeypatch.setattr(_calibration, "BUSY_CORES", -1.0)
    result = layerwise.config.calibrate(force=True)
    assert "busy" in result["source"] and not fast_measure and not cache.exists()
    assert {k: result[k] for k in ("memory_bound", "dense")} == _lanes.DEFAULT_POLICY
    assert result["conv_chunk_bytes"] == conv.DEFAULT_CHUNK_BYTES


def test_the_environment_can_ask_for_the_default_rule(cache, fast_measure, monkeypatch):
    monkeypatch.setenv("LAYERWISE_CALIBRATION", "default")
    assert layerwise.config.calibrate(force=True)["source"].startswith("default") and not fast_measure


def test_a_corrupt_cache_is_measured_over(cache, fast_measure):
    cache.write_text("{not json")
    assert layerwise.config.calibrate()["source"] == "measured"
    assert json.loads(cache.read_text())


def test_the_measurement_times_both_ways_and_keeps_the_faster(monkeypatch):
    monkeypatch.setattr(_lanes, "ThreadpoolController", _lanes.ThreadpoolController)
    threads = _lanes.threads()
    _lanes.set_threads(2)
    try:
        result = _calibration.measure(repeats=1)
    finally:
        _lanes.set_threads(threads)
    for kind in ("memory_bound", "dense"):
        timing = result["timings"][kind]
        assert timing["lanes_ms"] > 0 and timing["calling_thread_ms"] > 0
        lanes, alone = timing["lanes_ms"], timing["calling_thread_ms"]
        overturned = (alone < (1 - _calibration.MARGIN) * lanes if _lanes.DEFAULT_POLICY[kind]
                      else lanes < (1 - _calibration.MARGIN) * alone)
        assert result[kind] == (_lanes.DEFAULT_POLICY[kind] != overturned)
    chunk_ms = {int(size.split()[0]) * 2**20: ms for size, ms in result["timings"]["conv_chunk_ms"].items()}
    assert set(chunk_ms) == set(_calibration.CHUNK_CANDIDATES) and min(chunk_ms.values()) > 0
    best = min(chunk_ms, key=chunk_ms.get)
    overturned = chunk_ms[best] < (1 - _calibration.MARGIN) * chunk_ms[conv.DEFAULT_CHUNK_BYTES]
    # Timings rounded to 10 microseconds may tie: the choice is one of the fastest.
    assert chunk_ms[result["conv_chunk_bytes"]] == chunk_ms[best] if overturned else (
        result["conv_chunk_bytes"] == conv.DEFAULT_CHUNK_BYTES)
    gradient_ms = result["timings"]["conv_input_gradient_ms"]
    assert set(gradient_ms) == {"flipped", "scatter"} and min(gradient_ms.values()) > 0
    scatter = gradient_ms["scatter"] < (1 - _calibration.MARGIN) * gradient_ms["flipped"]
    assert result["conv_input_gradient"] == ("scatter" if scatter else "flipped")
    algorithm_ms = result["timings"]["conv_algorithm_ms"]
    assert set(algorithm_ms) == {"im2col", "winograd"} and min(algorithm_ms.values()) > 0
    by_winograd = algorithm_ms["winograd"] < (1 - _calibration.MARGIN) * algorithm_ms["im2col"]
    assert result["conv_algorithm"] == ("winograd" if by_winograd else "im2col")
    if by_winograd:
        winograd_ms = {int(size.split()[0]) * 2**20: ms for size, ms in result["timings"]["winograd_chunk_ms"].items()}
        assert set(winograd_ms) == set(_calibration.WINOGRAD_CHUNK_CANDIDATES) and min(winograd_ms.values()) > 0
        best = min(winograd_ms, key=winograd_ms.get)
        overturned = winograd_ms[best] < (1 - _calibration.MARGIN) * winograd_ms[conv.DEFAULT_WINOGRAD_CHUNK_BYTES]
        assert winograd_ms[result["winograd_chunk_bytes"]] == winograd_ms[best] if overturned else (
            result["winograd_chunk_bytes"] == conv.DEFAULT_WINOGRAD_CHUNK_BYTES)
        threshold_ms = result["timings"]["winograd_threshold_ms"]
        assert len(threshold_ms) == len(_calibration.WINOGRAD_THRESHOLD_CASES)
        ratios = [_calibration._channel_ratio(case) for case in _calibration.WINOGRAD_THRESHOLD_CASES]
        losing = [ratio for ratio, ms in zip(ratios, threshold_ms.values())
                  if ms["im2col"] < (1 - _calibration.MARGIN) * ms["winograd"]]
        assert result["winograd_min_channel_ratio"] > max(losing, default=0)
        assert result["winograd_min_channel_ratio"] <= min([r for r in ratios if r > max(losing, default=0)] + [16])
    else:
        assert result["winograd_chunk_bytes"] == conv.DEFAULT_WINOGRAD_CHUNK_BYTES
        assert result["winograd_min_channel_ratio"] == winograd.DEFAULT_MIN_CHANNEL_RATIO
        assert "winograd_chunk_ms" not in result["timings"] and "winograd_threshold_ms" not in result["timings"]
    library = _mkl if result["matrix_products"] == "mkl" else _blas
    if library.available() and not result["dense"]:
        step_ms = result["timings"]["step_kernel_ms"]
        assert set(step_ms) == {"compiled", "blas"} and min(step_ms.values()) > 0
        margin = (1 - _calibration.MARGIN) * step_ms["compiled"] - step_ms["blas"]
        if abs(margin) > 0.002:  # the timings are rounded to the microsecond; at the boundary either may win
            assert result["step_kernel"] == ("blas" if margin > 0 else "compiled")
    else:
        assert result["step_kernel"] == "compiled" and "step_kernel_ms" not in result["timings"]
    if _mkl.available():
        library_ms = result["timings"]["matrix_products_ms"]
        assert set(library_ms) == {"dense", "memory_bound"}
        ratios = [ms["mkl"] / ms["numpy"] for ms in library_ms.values()]
        if min(ratios) < 1 - _calibration.MARGIN - 0.01 and max(ratios) < 1 + _calibration.MARGIN - 0.01:
            assert result["matrix_products"] == "mkl"
        elif min(ratios) > 1 - _calibration.MARGIN + 0.01 or max(ratios) > 1 + _calibration.MARGIN + 0.01:
            assert result["matrix_products"] == "numpy"
    else:
        assert result["matrix_products"] == "numpy" and "matrix_products_ms" not in result["timings"]
    columns_ms = result["timings"]["weight_gradient_ms"]
    tried = {0 if name == "one call" else int(name.split()[0]): ms for name, ms in columns_ms.items()}
    assert set(tried) == {0, *_calibration.WEIGHT_GRADIENT_COLUMN_CANDIDATES} and min(tried.values()) > 0
    best = min(tried.values())
    margin = (1 - _calibration.MARGIN) * tried[0] - best
    if margin > 0.002:  # the timings are rounded to the microsecond: two blocks may tie in them
        assert tried[result["weight_gradient_columns"]] == best
    elif margin < -0.002:
        assert result["weight_gradient_columns"] == 0
    assert layerwise.config.calibration() == CHOSEN  # left as it was


@pytest.mark.parametrize("dense_lanes, library", [(False, "numpy"), (False, "mkl"), (True, "numpy")])
def test_the_step_kernel_is_timed_where_dense_models_leave_the_cores_to_blas(dense_lanes, library, monkeypatch):
    """BLAS's step is taken only outside lanes (`Trainer._checked_update`): it is timed, on the library chosen for
    the products, where dense models do not run in lanes, and chosen when faster by `MARGIN`."""
    timed = []

    def median_times(step, settings, apply, repeats, prepare=None):
        if tuple(settings) == (True, False):  # the lanes
            return {True: 0.01 if dense_lanes else 0.02, False: 0.02 if dense_lanes else 0.01}
        if tuple(settings) == ("numpy", "mkl"):
            return {"numpy": 0.01, "mkl": 0.005 if library == "mkl" else 0.02}
        if tuple(settings) == ("compiled", "blas"):
            timed.append(products.LIBRARY)
            return {"compiled": 0.002, "blas": 0.001}
        return {setting: 0.01 for setting in settings}  # a tie elsewhere: every default stands
    monkeypatch.setattr(_calibration, "_median_times", median_times)
    monkeypatch.setattr(_blas, "available", lambda: True)
    monkeypatch.setattr(_mkl, "available", lambda: True)
    result = _calibration.measure(repeats=1)
    assert result["dense"] == dense_lanes and result["matrix_products"] == library
    assert timed == ([] if dense_lanes else [library])
    assert result["step_kernel"] == ("compiled" if dense_lanes else "blas")
    assert ("step_kernel_ms" in result["timings"]) != dense_lanes
    assert layerwise.config.calibration() == CHOSEN  # left as it was


@pytest.mark.parametrize("dense_ratio, memory_bound_ratio, chosen", [(0.75, 0.85, "mkl"), (1.0, 0.85, "mkl"),
                                                                     (0.75, 1.15, "numpy"), (0.95, 0.95, "numpy")])
def test_mkl_runs_the_products_where_it_is_faster_on_one_kind_of_model_and_not_slower_on_the_other(
        dense_ratio, memory_bound_ratio, chosen, monkeypatch):
    """Each kind of model's products timed by each library (MKL's / NumPy's time): MKL is chosen when it is faster by
    `MARGIN` on one and not slower by as much on the other, and the choices after it are timed with it."""
    library_timings = iter([{"numpy": 0.01, "mkl": 0.01 * ratio} for ratio in (dense_ratio, memory_bound_ratio)])
    libraries_in_force = []

    def median_times(step, settings, apply, repeats, prepare=None):
        if tuple(settings) == ("numpy", "mkl"):
            return next(library_timings)
        libraries_in_force.append(products.LIBRARY)
        return {setting: 0.01 for setting in settings}  # a tie elsewhere: every default stands
    monkeypatch.setattr(_calibration, "_median_times", median_times)
    monkeypatch.setattr(_mkl, "available", lambda: True)
    result = _calibration.measure(repeats=1)
    assert result["matrix_products"] == chosen
    assert result["timings"]["matrix_products_ms"] == {"dense": {"numpy": 10.0, "mkl": round(10 * dense_ratio, 3)},
                                                       "memory_bound": {"numpy": 10.0,
                                                                        "mkl": round(10 * memory_bound_ratio, 3)}}
    assert libraries_in_force[:2] == ["numpy", "numpy"]  # the lanes, timed before the library is chosen
    assert set(libraries_in_force[2:]) == {chosen}
    assert layerwise.config.calibration() == CHOSEN  # left as it was


@pytest.mark.parametrize("winograd_over_im2col, threshold", [((0.95, 0.95, 0.95), 4.0), ((1.2, 0.95, 0.95), 8.0),
                                                              ((1.2, 1.2, 0.95), 32 / 3), ((0.95, 1.2, 1.2), 16.0)])
def test_winograds_threshold_is_the_next_ratio_above_every_convolution_where_im2col_is_faster(
        winograd_over_im2col, threshold, monkeypatch):
    """The threshold cases (C F / (C + F) = 5.3, 8, 10.7) timed both ways, Winograd's time over im2col's: a case where
    im2col is faster by `MARGIN` lifts the threshold to the next ratio above it (16: the algorithm choice's)."""
    algorithm_choice = {"im2col": 0.02, "winograd": 0.01}  # Winograd, on the convolutions of many channels
    timings = iter([algorithm_choice] + [{"im2col": 0.01, "winograd": 0.01 * ratio} for ratio in winograd_over_im2col])

    def median_times(step, settings, apply, repeats, prepare=None):
        if tuple(settings) == ("im2col", "winograd"):
            return next(timings)
        return {setting: 0.01 for setting in settings}
    monkeypatch.setattr(_calibration, "_median_times", median_times)
    result = _calibration.measure(repeats=1)
    assert result["conv_algorithm"] == "winograd"
    assert result["winograd_min_channel_ratio"] == pytest.approx(threshold, abs=1e-3)
    assert next(timings, None) is None  # every case was timed
    assert layerwise.config.calibration() == CHOSEN  # left as it was


def test_the_machine_key_names_mkl_and_layerwise():
    key = _calibration.machine_key()
    assert key.endswith(f"| MKL {_mkl.installed() or 'none'} | layerwise {layerwise.__version__}")


def test_the_machine_key_names_mkl_without_loading_it():
    """A cached calibration is read at a process's first model pass: naming MKL must not cost its half-second load."""
    script = ("from layerwise.models import _calibration\nfrom layerwise.ops import _mkl\n"
              "_calibration.machine_key()\nprint(_mkl._library.cache_info().currsize)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["0"]


@pytest.mark.parametrize("memory_bound", [True, False])
def test_the_executor_obeys_the_choice(memory_bound, monkeypatch):
    entered = []
    monkeypatch.setattr(_lanes, "all_cores", lambda: entered.append(1) or _NoContext())
    monkeypatch.setattr(_lanes, "threads", lambda: 2)
    layerwise.config.set_calibration(memory_bound=memory_bound, dense=not memory_bound)
    convolutional = layerwise.Sequential([layerwise.Input(shape=(6, 6, 1)), layers.Conv2D(2, 3)])
    dense = layerwise.Sequential([layerwise.Input(shape=(4,)), layers.Dense(2)])
    convolutional(np.zeros((2, 6, 6, 1)))
    assert len(entered) == int(memory_bound)
    dense(np.zeros((2, 4)))
    assert len(entered) == 1


def test_an_undecided_kind_is_calibrated_on_the_first_pass_that_could_use_lanes(cache, fast_measure, monkeypatch):
    monkeypatch.setattr(_lanes, "threads", lambda: 2)
    layerwise.config.set_calibration()
    assert layerwise.config.calibration() == {**CHOSEN, "memory_bound": None, "dense": None}
    layerwise.Sequential([layerwise.Input(shape=(4,)), layers.Dense(2)])(np.zeros((2, 4)))
    assert len(fast_measure) == 1 and layerwise.config.calibration() == MEASURED


def test_a_chunk_size_set_by_the_user_stands_against_the_calibration(cache, fast_measure):
    layerwise.config.set_calibration(memory_bound=True, dense=False, conv_chunk_bytes=2**20)
    layerwise.config.calibrate(force=True)
    assert conv.CACHE_CHUNK_BYTES == 2**20
    layerwise.config.set_calibration(memory_bound=True, dense=False)
    assert conv.CACHE_CHUNK_BYTES == conv.DEFAULT_CHUNK_BYTES
    layerwise.config.calibrate()
    assert conv.CACHE_CHUNK_BYTES == 2**21
    with pytest.raises(ValueError, match="count"):
        layerwise.config.set_calibration(conv_chunk_bytes=0)
    layerwise.config.set_calibration(memory_bound=True, dense=False, conv_input_gradient="flipped")
    layerwise.config.calibrate()
    assert conv.INPUT_GRADIENT == "flipped"
    with pytest.raises(ValueError, match="'flipped', 'scatter'"):
        layerwise.config.set_calibration(conv_input_gradient="fft")


def test_the_chunk_size_shapes_the_gathering_but_not_the_result(monkeypatch, rng):
    model = layerwise.Sequential([layerwise.Input(shape=(12, 12, 3)), layers.Conv2D(8, 3, padding="same"),
                                  layers.Flatten(), layers.Dense(2)])
    x = rng.standard_normal((16, 12, 12, 3)).astype("float32")
    monkeypatch.setattr(conv, "MEMORY_BUDGET_BYTES", 0)
    gathered = []
    original = conv._column_chunks
    monkeypatch.setattr(conv, "_column_chunks", lambda *a: gathered.append(len(original(*a))) or original(*a))
    results = []
    for count in (2**20, 12 * 12 * 27 * 4 * 3):
        layerwise.config.set_calibration(memory_bound=True, dense=False, conv_chunk_bytes=count)
        results.append(model.predict(x, verbose=0))
    assert gathered[0] < gathered[-1]
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5, atol=1e-6)


def test_an_unknown_kind_of_work_is_refused():
    with pytest.raises(ValueError, match="kinds of work"):
        _lanes.set_policy(sparse=True)


class _NoContext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_the_busy_cores_are_sampled_now():
    busy = _calibration.busy_cores(window=0.05)
    assert 0.0 <= busy <= (__import__("os").cpu_count() or 1) + 1e-9


def test_the_machine_key_names_numpys_blas_whatever_else_is_loaded(monkeypatch):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    scipy = {"user_api": "blas", "internal_api": "openblas", "version": "0.3.30", "architecture": "Haswell",
             "num_threads": 2, "filepath": "/site-packages/scipy.libs/libscipy_openblas.so"}
    numpy = {**scipy, "version": "0.3.31", "architecture": "SkylakeX",
             "filepath": "/site-packages/numpy.libs/libscipy_openblas64_.so"}
    monkeypatch.setattr(threadpoolctl, "threadpool_info", lambda: [scipy, numpy])
    assert _calibration.numpy_blas() == "openblas 0.3.31 SkylakeX"
    assert "| openblas 0.3.31 SkylakeX |" in _calibration.machine_key()
