"""Shared fixtures: float64 layers for gradient checks, a fresh seed and names per test, ../shared data."""

import os
import platform
import tempfile
from pathlib import Path

import numpy as np
import pytest

import layerwise

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_configure(config):
    """One BLAS, torch and layerwise thread per pytest-xdist worker: with `-n 2` on two cores, two threads
    each oversubscribe the machine and OpenBLAS's spinning threads slow matrix products tenfold. (The lanes
    tests set their own thread count.) A calibration a test makes is cached apart from the user's."""
    os.environ["LAYERWISE_CACHE_DIR"] = tempfile.mkdtemp(prefix="layerwise-test-cache-")
    # Programs the tests start (a run killed and resumed) keep one rule, whatever the load: bit-identical runs.
    os.environ["LAYERWISE_CALIBRATION"] = "default"
    if os.environ.get("PYTEST_XDIST_WORKER"):
        from threadpoolctl import threadpool_limits

        threadpool_limits(1)
        os.environ["MKL_NUM_THREADS"] = "1"  # MKL is loaded later, when a test first asks for it
        layerwise.config.set_threads(1)
        import torch

        torch.set_num_threads(1)
SHARED_DATASETS = Path(os.environ.get("LAYERWISE_SHARED_DATASETS", SHARED / "datasets"))


@pytest.fixture
def shared_datasets(monkeypatch):
    """Point ``LAYERWISE_DATA`` at ../shared/datasets (when it is there), as a user would at their copy."""
    if SHARED_DATASETS.is_dir():
        monkeypatch.setenv("LAYERWISE_DATA", str(SHARED_DATASETS))
    return SHARED_DATASETS


@pytest.fixture(autouse=True)
def _fresh_state():
    """Every test starts with float32, seed 0 and fresh layer names, and leaves them so."""
    layerwise.config.set_floatx("float32")
    layerwise.utils.set_random_seed(0)
    layerwise.layers.base.clear_session()
    # Tests run the same whatever this machine's calibration chose: lanes for memory-bound models only.
    layerwise.config.set_calibration(memory_bound=True, dense=False)
    yield
    layerwise.config.set_floatx("float32")


@pytest.fixture(params=["numpy", "mkl"])
def matrix_products(request, monkeypatch):
    """Run the test with each library of matrix products (`layerwise.ops.products`): NumPy's matmul, then MKL's where
    it can be called (the test extra installs it on x86-64, where CI must test it). The library is the default for
    the test's duration, so a test's own `set_calibration` keeps it."""
    from layerwise.ops import _mkl, products

    if request.param == "mkl" and not _mkl.available():
        if os.environ.get("CI") and platform.machine() in ("x86_64", "AMD64"):
            raise RuntimeError("CI must test MKL's matrix products on x86-64: the test extra includes the mkl extra")
        pytest.skip("MKL is not installed (pip install layerwise[mkl])")
    monkeypatch.setattr(products, "DEFAULT_LIBRARY", request.param)
    monkeypatch.setattr(products, "LIBRARY", request.param)
    return request.param


@pytest.fixture
def float64():
    """Build layers in float64 for the duration of the test (gradient checks and parity tests)."""
    layerwise.config.set_floatx("float64")
    yield
    layerwise.config.set_floatx("float32")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
