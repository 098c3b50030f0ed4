"""Fashion-MNIST: Keras's shapes, the published label counts, the search order, and offline downloads."""

import os
import shutil
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from layerwise.datasets import _files, fashion_mnist
from layerwise.errors import DatasetError

# As tests/conftest.py: the shared data sets next to the repository, unless the variable says otherwise.
SHARED_DATASETS = Path(os.environ.get("LAYERWISE_SHARED_DATASETS",
                                      Path(__file__).resolve().parents[3] / "shared" / "datasets"))
SHARED = SHARED_DATASETS / "fashion-mnist"
NAMES = [file.name for file in fashion_mnist.FILES]
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared data set {SHARED} is absent")


@pytest.fixture(autouse=True)
def isolated_places(monkeypatch, tmp_path):
    """No LAYERWISE_DATA, an empty cache, no Debian copy, and no network unless a test allows it."""
    monkeypatch.delenv(_files.DATA_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIRECTORY", tmp_path / "debian")

    def offline(url, destination):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(_files, "download", offline)


@pytest.fixture(scope="module")
def shared_data():
    return fashion_mnist.load_data(path=SHARED)


@needs_shared
def test_shapes_dtypes_and_label_counts(shared_data):
    (x_train, y_train), (x_test, y_test) = shared_data
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert np.bincount(y_train).tolist() == [6000] * 10 and np.bincount(y_test).tolist() == [1000] * 10
    assert x_train.max() == 255 and len(fashion_mnist.CLASS_NAMES) == 10


@needs_shared
@pytest.mark.parametrize("where", ["env_root", "debian"])
def test_layerwise_data_and_the_debian_directory_are_searched(monkeypatch, where):
    if where == "env_root":
        monkeypatch.setenv(_files.DATA_ENV_VAR, str(SHARED_DATASETS))
        system = []
    else:
        monkeypatch.setattr(fashion_mnist, "DEBIAN_DIRECTORY", SHARED)
        system = [fashion_mnist.DEBIAN_DIRECTORY]
    assert _files.find_directory("fashion-mnist", fashion_mnist.FILES, None, system) == SHARED


def test_offline_error_names_every_file_every_place_and_the_url(tmp_path):
    with pytest.raises(DatasetError) as error:
        fashion_mnist.load_data()
    message = str(error.value)
    assert all(name in message for name in NAMES)
    for place in (tmp_path / "cache" / "layerwise" / "fashion-mnist", tmp_path / "debian"):
        assert str(place) in message
    assert fashion_mnist.URL in message and "network is unreachable" in message
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


def test_a_path_is_never_downloaded_into(tmp_path):
    with pytest.raises(DatasetError, match="not found") as error:
        fashion_mnist.load_data(path=tmp_path / "mine")
    assert "Downloading" not in str(error.value)


@needs_shared
def test_download_writes_verified_files_into_the_cache(monkeypatch, tmp_path, shared_data):
    monkeypatch.undo()
    monkeypatch.delenv(_files.DATA_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fashion_mnist, "DEBIAN_DIRECTORY", tmp_path / "debian")
    monkeypatch.setattr(fashion_mnist, "URL", SHARED.as_uri() + "/")
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    np.testing.assert_array_equal(y_test, shared_data[1][1])
    cached = tmp_path / "cache" / "layerwise" / "fashion-mnist"
    assert sorted(p.name for p in cached.iterdir()) == sorted(f"{name}.gz" for name in NAMES)


def test_a_download_failing_its_checksum_is_deleted(monkeypatch, tmp_path):
    source = tmp_path / "mirror"
    source.mkdir()
    for name in NAMES:
        (source / f"{name}.gz").write_bytes(b"\x00\x00\x08\x01\x00\x00\x00\x00")
    monkeypatch.setattr(_files, "download", lambda url, destination: shutil.copy(
        source / url.rsplit("/", 1)[1], destination))
    with pytest.raises(DatasetError, match="f4a8712d7a061bf5bd6d2ca38dc4d50a"):
        fashion_mnist.load_data()
    assert not any((tmp_path / "cache").rglob("*.gz"))
