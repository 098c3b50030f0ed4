"""CIFAR-10/100 loaders on small files written here in the official binary format."""

import hashlib
import io
import tarfile
import urllib.error

import numpy as np
import pytest

from layerwise.datasets import _files, cifar10, cifar100
from layerwise.errors import DatasetError


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    monkeypatch.delenv(_files.DATA_ENV_VAR, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))

    def fail(url, destination):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(_files, "download", fail)


def records(rng, count, label_classes):
    """Images (count, 32, 32, 3), labels (count, len(label_classes)) and their binary records."""
    images = rng.integers(0, 256, size=(count, 32, 32, 3), dtype=np.uint8)
    labels = np.stack([rng.integers(0, n, size=count, dtype=np.uint8) for n in label_classes], axis=1)
    return images, labels, np.concatenate([labels, images.transpose(0, 3, 1, 2).reshape(count, -1)], axis=1).tobytes()


def write_cifar10(rng, directory):
    """Five training batches of 2 images and a test batch of 3; returns the expected arrays."""
    directory.mkdir(parents=True, exist_ok=True)
    train = [records(rng, 2, (10,)) for _ in range(5)]
    for i, (_, _, content) in enumerate(train, start=1):
        (directory / f"data_batch_{i}.bin").write_bytes(content)
    test = records(rng, 3, (10,))
    (directory / "test_batch.bin").write_bytes(test[2])
    return ((np.concatenate([t[0] for t in train]), np.concatenate([t[1] for t in train])), (test[0], test[1]))


def assert_loaded(loaded, expected):
    for (x, y), (x_ref, y_ref) in zip(loaded, expected, strict=True):
        assert x.dtype == y.dtype == np.uint8 and x.shape[1:] == (32, 32, 3) and y.shape == (len(x), 1)
        np.testing.assert_array_equal(x, x_ref)
        np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("layout", ["folder", "flat"])
def test_cifar10_reads_the_extracted_binary_batches(rng, tmp_path, layout):
    directory = tmp_path / "cifar-10-batches-bin" if layout == "folder" else tmp_path
    expected = write_cifar10(rng, directory)
    assert_loaded(cifar10.load_data(path=tmp_path), expected)


def test_the_pixel_layout_is_red_green_blue_planes_row_major(tmp_path):
    record = np.zeros(3073, dtype=np.uint8)
    record[0], record[1 + 5], record[1 + 1024 + 32], record[1 + 2048 + 33] = 7, 11, 22, 33
    directory = tmp_path / "cifar-10-batches-bin"
    directory.mkdir()
    for name in [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]:
        (directory / name).write_bytes(record.tobytes())
    (x, y), _ = cifar10.load_data(path=tmp_path)
    assert y[0, 0] == 7 and x[0, 0, 5, 0] == 11 and x[0, 1, 0, 1] == 22 and x[0, 1, 1, 2] == 33


def make_tarball(source, folder, target):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(source, arcname=folder)
    target.write_bytes(buffer.getvalue())
    return hashlib.md5(buffer.getvalue()).hexdigest()


def test_cifar10_reads_the_tarball_after_checking_its_md5(rng, tmp_path, monkeypatch):
    expected = write_cifar10(rng, tmp_path / "src")
    md5 = make_tarball(tmp_path / "src", "cifar-10-batches-bin", tmp_path / "cifar-10-binary.tar.gz")
    with pytest.raises(DatasetError, match=f"{md5}.*c32a1d4ab5d03f1284b67883e8d87530"):
        cifar10.load_data(path=tmp_path)
    monkeypatch.setattr(cifar10, "ARCHIVE", cifar10.ARCHIVE._replace(md5=md5))
    assert_loaded(cifar10.load_data(path=tmp_path), expected)


def test_download_goes_to_layerwise_data_and_is_verified(rng, tmp_path, monkeypatch):
    monkeypatch.undo()
    monkeypatch.setenv(_files.DATA_ENV_VAR, str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    expected = write_cifar10(rng, tmp_path / "src")
    md5 = make_tarball(tmp_path / "src", "cifar-10-batches-bin", tmp_path / "mirror.tar.gz")
    monkeypatch.setattr(cifar10, "ARCHIVE", cifar10.ARCHIVE._replace(url=(tmp_path / "mirror.tar.gz").as_uri(),
                                                                      md5=md5))
    assert_loaded(cifar10.load_data(), expected)
    assert (tmp_path / "data" / "cifar10" / "cifar-10-binary.tar.gz").is_file()


def test_offline_error_says_what_to_put_where(tmp_path):
    with pytest.raises(DatasetError) as error:
        cifar10.load_data()
    message = str(error.value)
    for text in ("cifar-10-binary.tar.gz", "cifar-10-batches-bin/", "data_batch_5.bin", "test_batch.bin",
                 cifar10.ARCHIVE.url, str(tmp_path / "cache" / "layerwise" / "cifar10"), "network is unreachable"):
        assert text in message


def test_truncated_batch_and_wrong_labels_are_reported(rng, tmp_path):
    write_cifar10(rng, tmp_path)
    content = (tmp_path / "test_batch.bin").read_bytes()
    (tmp_path / "test_batch.bin").write_bytes(content[:-1])
    with pytest.raises(DatasetError, match="test_batch.bin holds 9218 bytes.*3073-byte records"):
        cifar10.load_data(path=tmp_path)
    (tmp_path / "test_batch.bin").write_bytes(bytes([10]) + content[1:])
    with pytest.raises(DatasetError, match="holds 10, but there are only 10 classes"):
        cifar10.load_data(path=tmp_path)


@pytest.mark.parametrize("label_mode, column", [("fine", 1), ("coarse", 0)])
def test_cifar100_label_modes(rng, tmp_path, label_mode, column):
    folder = tmp_path / "cifar-100-binary"
    folder.mkdir()
    train, test = records(rng, 4, (20, 100)), records(rng, 2, (20, 100))
    (folder / "train.bin").write_bytes(train[2])
    (folder / "test.bin").write_bytes(test[2])
    loaded = cifar100.load_data(label_mode, path=tmp_path)
    assert_loaded(loaded, ((train[0], train[1][:, column:column + 1]), (test[0], test[1][:, column:column + 1])))


def test_cifar100_rejects_an_unknown_label_mode():
    with pytest.raises(ValueError, match="label_mode must be 'fine' or 'coarse', received 'medium'"):
        cifar100.load_data("medium")
