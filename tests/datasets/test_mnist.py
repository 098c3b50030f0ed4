"""Tests for layerwise.datasets.mnist: Keras-compatible output, file resolution, integrity checks."""

import gzip
import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from layerwise.datasets import _files, mnist
from layerwise.errors import DatasetError

SHIPPED = Path(mnist.__file__).parent / "data" / "mnist"
SHARED = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "mnist"
NAMES = [file.name for file in mnist.FILES]

# sha256 of the shipped .gz files, from the datasets README.
GZ_SHA256 = {
    "train-images-idx3-ubyte.gz": "0b367032e93c5d0cea0925647cfdb18614af8ee15f83e6f2fc2ad904a6835971",
    "train-labels-idx1-ubyte.gz": "1787548bbe0bff1ec2ecdc0ef292b02df999e2d1a6002d27500982c652b17203",
    "t10k-images-idx3-ubyte.gz": "1a1a05eab793c14bb050b398624a11b0ffd1a2953baed553b1b9bd079e2a20be",
    "t10k-labels-idx1-ubyte.gz": "b91679a0acfe4ba0e50a2437a903084cba1f5f92592b016a25a7dfd00455798b",
}


@pytest.fixture(scope="module")
def shipped_data():
    return mnist.load_data()


@pytest.fixture(scope="module")
def uncompressed_dir(tmp_path_factory):
    """A directory holding the four files uncompressed, under their plain names."""
    directory = tmp_path_factory.mktemp("mnist-raw")
    for name in NAMES:
        (directory / name).write_bytes(gzip.decompress((SHIPPED / f"{name}.gz").read_bytes()))
    return directory


@pytest.fixture
def no_env(monkeypatch):
    monkeypatch.delenv(_files.DATA_ENV_VAR, raising=False)


def assert_same_data(data, reference):
    (x_train, y_train), (x_test, y_test) = data
    (x_train_ref, y_train_ref), (x_test_ref, y_test_ref) = reference
    np.testing.assert_array_equal(x_train, x_train_ref)
    np.testing.assert_array_equal(y_train, y_train_ref)
    np.testing.assert_array_equal(x_test, x_test_ref)
    np.testing.assert_array_equal(y_test, y_test_ref)


def test_load_data_matches_the_keras_shapes_and_dtypes(shipped_data):
    (x_train, y_train), (x_test, y_test) = shipped_data
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert all(array.dtype == np.uint8 for array in (x_train, y_train, x_test, y_test))


def test_label_counts(shipped_data):
    (_, y_train), (_, y_test) = shipped_data
    train_counts = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    test_counts = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    assert np.bincount(y_train, minlength=10).tolist() == train_counts
    assert np.bincount(y_test, minlength=10).tolist() == test_counts


def test_pixels_span_0_to_255(shipped_data):
    (x_train, _), (x_test, _) = shipped_data
    for images in (x_train, x_test):
        assert images.min() == 0 and images.max() == 255


def test_shipped_files_match_the_readme_sha256():
    assert sorted(path.name for path in SHIPPED.iterdir()) == sorted(GZ_SHA256)
    for name, sha256 in GZ_SHA256.items():
        assert hashlib.sha256((SHIPPED / name).read_bytes()).hexdigest() == sha256


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"the shared datasets directory {SHARED} is absent")
def test_shipped_copy_is_byte_identical_to_the_shared_copy():
    for name in GZ_SHA256:
        assert (SHIPPED / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_path_override_reads_uncompressed_files(no_env, uncompressed_dir, shipped_data):
    assert _files.find_directory("mnist", mnist.FILES, uncompressed_dir) == uncompressed_dir
    assert_same_data(mnist.load_data(path=uncompressed_dir), shipped_data)


@pytest.mark.parametrize("subdirectory", ["mnist", ""])
def test_layerwise_data_env_var_is_used_before_the_shipped_copy(
    monkeypatch, tmp_path, subdirectory, shipped_data
):
    directory = tmp_path / subdirectory
    directory.mkdir(exist_ok=True)
    for name in GZ_SHA256:
        shutil.copy(SHIPPED / name, directory / name)
    monkeypatch.setenv(_files.DATA_ENV_VAR, str(tmp_path))
    assert _files.find_directory("mnist", mnist.FILES) == directory
    assert_same_data(mnist.load_data(), shipped_data)


def test_empty_layerwise_data_falls_back_to_the_shipped_copy(monkeypatch, tmp_path):
    monkeypatch.setenv(_files.DATA_ENV_VAR, str(tmp_path))
    assert _files.find_directory("mnist", mnist.FILES) == SHIPPED


def test_path_override_does_not_fall_back(no_env, tmp_path):
    with pytest.raises(DatasetError) as info:
        mnist.load_data(path=tmp_path / "nowhere")
    message = str(info.value)
    assert str(tmp_path / "nowhere") in message and str(SHIPPED) not in message
    assert all(name in message for name in NAMES)


def test_missing_files_everywhere_name_the_files_and_the_places(monkeypatch, tmp_path):
    monkeypatch.setattr(_files, "SHIPPED_DATA", tmp_path / "package-data")
    monkeypatch.setenv(_files.DATA_ENV_VAR, str(tmp_path / "env"))
    with pytest.raises(DatasetError) as info:
        mnist.load_data()
    message = str(info.value)
    assert all(name in message for name in NAMES)
    for place in (tmp_path / "env" / "mnist", tmp_path / "env", tmp_path / "package-data" / "mnist"):
        assert str(place) in message
    assert _files.DATA_ENV_VAR in message


def test_partial_directory_names_the_missing_file(no_env, tmp_path):
    for name in NAMES[:3]:
        shutil.copy(SHIPPED / f"{name}.gz", tmp_path / f"{name}.gz")
    with pytest.raises(DatasetError, match="t10k-labels-idx1-ubyte") as info:
        mnist.load_data(path=tmp_path)
    assert "train-images-idx3-ubyte" not in str(info.value)


def copy_with_replaced(directory, filename, content):
    """Copy the shipped files into ``directory``, except ``filename`` (gzipped or not): write ``content``.

    Real copies, never symlinks: writing through a link would corrupt the shipped data.
    """
    for name in NAMES:
        if name != filename.removesuffix(".gz"):
            shutil.copy(SHIPPED / f"{name}.gz", directory / f"{name}.gz")
    (directory / filename).write_bytes(content)
    return directory / filename


def test_corrupt_file_names_the_file_and_both_md5s(no_env, tmp_path):
    content = bytearray(gzip.decompress((SHIPPED / "t10k-images-idx3-ubyte.gz").read_bytes()))
    content[5000] ^= 0xFF
    path = copy_with_replaced(tmp_path, "t10k-images-idx3-ubyte", bytes(content))
    with pytest.raises(DatasetError) as info:
        mnist.load_data(path=tmp_path)
    message = str(info.value)
    assert str(path) in message
    assert "2646ac647ad5339dbf082846283269ea" in message
    assert hashlib.md5(content).hexdigest() in message


def test_corrupt_file_in_layerwise_data_is_reported_not_skipped(monkeypatch, tmp_path):
    content = bytearray(gzip.decompress((SHIPPED / "t10k-labels-idx1-ubyte.gz").read_bytes()))
    content[-1] = (content[-1] + 1) % 10
    path = copy_with_replaced(tmp_path, "t10k-labels-idx1-ubyte", bytes(content))
    monkeypatch.setenv(_files.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(DatasetError, match="27ae3e4e09519cfbb04c329615203637") as info:
        mnist.load_data()
    assert str(path) in str(info.value)


@pytest.mark.parametrize("gzipped", [False, True])
def test_truncated_file_raises(no_env, tmp_path, gzipped):
    data = (SHIPPED / "t10k-labels-idx1-ubyte.gz").read_bytes()
    if gzipped:
        truncated, name, message = data[:-100], "t10k-labels-idx1-ubyte.gz", "truncated gzip"
    else:
        truncated, name, message = gzip.decompress(data)[:-1], "t10k-labels-idx1-ubyte", "truncated IDX"
    path = copy_with_replaced(tmp_path, name, truncated)
    with pytest.raises(DatasetError, match=message) as info:
        mnist.load_data(path=tmp_path)
    assert str(path) in str(info.value)
