"""Downloads never block the cache: a partial download directory is completed, a corrupted cached tarball
is fetched again, interrupted downloads leave no litter, and errors name the file and the expected checksum
(issue 19, item 5)."""

import gzip
import hashlib
import io
import tarfile

import numpy as np
import pytest

from layerwise.datasets import _files, cifar10
from layerwise.errors import DatasetError
from layerwise.saving.atomic import TEMPORARY_SUFFIX

FILES = [_files.IdxFile("a-idx1-ubyte", ""), _files.IdxFile("b-idx1-ubyte", "")]


@pytest.fixture
def mirror(tmp_path, monkeypatch):
    """Two small IDX files served from a file:// mirror; downloads go to tmp_path/data/toy."""
    monkeypatch.setenv(_files.DATA_ENV_VAR, str(tmp_path / "data"))
    monkeypatch.setattr(_files, "SHIPPED_DATA", tmp_path / "shipped")
    (tmp_path / "mirror").mkdir()
    files = []
    for file, values in zip(FILES, ([1, 2, 3], [7, 8])):
        content = b"\x00\x00\x08\x01" + len(values).to_bytes(4, "big") + bytes(values)
        (tmp_path / "mirror" / f"{file.name}.gz").write_bytes(gzip.compress(content))
        files.append(file._replace(md5=hashlib.md5(content).hexdigest()))
    return files, (tmp_path / "mirror").as_uri() + "/", tmp_path / "data" / "toy"


def test_a_partial_download_directory_gets_the_missing_files(mirror):
    files, url, directory = mirror
    directory.mkdir(parents=True)
    (directory / f"{files[0].name}.gz").write_bytes((directory.parents[1] / "mirror" / f"{files[0].name}.gz")
                                                    .read_bytes())
    stale = directory / f".{files[1].name}.gz.dead0001{TEMPORARY_SUFFIX}"
    stale.write_bytes(b"the first megabytes of a download that was killed")
    arrays = _files.load_idx_files("toy", files, url=url)
    assert [a.tolist() for a in arrays] == [[1, 2, 3], [7, 8]]
    assert sorted(p.name for p in directory.iterdir()) == [f"{f.name}.gz" for f in files]


def test_a_partial_directory_elsewhere_is_still_reported(mirror, tmp_path):
    files, url, _ = mirror
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / files[0].name).write_bytes(b"")
    with pytest.raises(DatasetError, match="holds only part of the data set; missing b-idx1-ubyte"):
        _files.load_idx_files("toy", files, url=url)


def test_a_failed_download_names_the_file_and_the_expected_checksum(mirror):
    files, url, directory = mirror
    files = [files[0], files[1]._replace(name="absent")]
    with pytest.raises(DatasetError, match=f"{directory / 'absent.gz'} \\(expected MD5 {files[1].md5}\\) failed"):
        _files.load_idx_files("toy", files, url=url)
    assert sorted(p.name for p in directory.iterdir()) == [f"{files[0].name}.gz"]


def _tarball(spec):
    """A small stand-in for the CIFAR-10 tarball (two records per batch) and its MD5."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name in spec.train + spec.test:
            records = np.arange(2 * 3073, dtype=np.uint8).reshape(2, 3073) % 10
            info = tarfile.TarInfo(f"{spec.folder}/{name}")
            info.size = records.nbytes
            tar.addfile(info, io.BytesIO(records.tobytes()))
    return buffer.getvalue()


def test_a_corrupted_cached_tarball_is_downloaded_again(tmp_path, monkeypatch):
    monkeypatch.setenv(_files.DATA_ENV_VAR, str(tmp_path / "data"))
    data = _tarball(cifar10.ARCHIVE)
    (tmp_path / "mirror.tar.gz").write_bytes(data)
    monkeypatch.setattr(cifar10, "ARCHIVE", cifar10.ARCHIVE._replace(
        url=(tmp_path / "mirror.tar.gz").as_uri(), md5=hashlib.md5(data).hexdigest()))
    cached = tmp_path / "data" / "cifar10" / cifar10.ARCHIVE.archive
    cached.parent.mkdir(parents=True)
    cached.write_bytes(data[:len(data) // 2])  # what an interrupted download by an older version left
    (x_train, y_train), (x_test, _) = cifar10.load_data()
    assert x_train.shape == (10, 32, 32, 3) and x_test.shape == (2, 32, 32, 3) and y_train.max() < 10
    assert cached.read_bytes() == data


def test_a_corrupted_tarball_the_user_gave_is_reported_with_both_checksums(tmp_path, monkeypatch):
    data = _tarball(cifar10.ARCHIVE)
    truncated = data[:len(data) // 2]
    (tmp_path / cifar10.ARCHIVE.archive).write_bytes(truncated)
    with pytest.raises(DatasetError, match=f"{cifar10.ARCHIVE.archive}: the MD5 .* is "
                                           f"{hashlib.md5(truncated).hexdigest()}, expected {cifar10.ARCHIVE.md5}"):
        cifar10.load_data(path=tmp_path)
