"""Read the official BINARY versions of CIFAR-10 and CIFAR-100 (never the pickled Python versions).

A binary batch is a sequence of fixed-size records: ``label_bytes`` label bytes (CIFAR-10: the class;
CIFAR-100: coarse then fine class) followed by 3072 pixel bytes, the 1024 red, then green, then blue
values of a 32x32 image in row-major order. The data are read from the official tarball
(``cifar-10-binary.tar.gz``, MD5-checked, members read in memory, nothing extracted) or, where there is
no tarball, from its extracted folder (checked for whole records and valid labels only: the official site
publishes no checksum of the extracted files), in the directories of `layerwise.datasets._files`, and
downloaded when absent; a tarball in the download directory that fails its MD5 (an interrupted or
corrupted download) is deleted and downloaded again.

References:
    A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images", 2009;
    https://www.cs.toronto.edu/~kriz/cifar.html (the binary format).
"""

import hashlib
import tarfile
from pathlib import Path
from typing import NamedTuple, Tuple

import numpy as np

from layerwise.datasets import _files
from layerwise.datasets._idx import check_md5
from layerwise.errors import DatasetError

PIXELS = 3 * 32 * 32


class CifarArchive(NamedTuple):
    """One CIFAR variant: its tarball, where its batches live inside it, and its record layout."""

    dataset: str
    archive: str
    url: str
    md5: str
    folder: str
    train: Tuple[str, ...]
    test: Tuple[str, ...]
    label_classes: Tuple[int, ...]


def file_md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load(spec: CifarArchive, path=None):
    """Return ((x_train, labels_train), (x_test, labels_test)): images (N, 32, 32, 3) uint8, labels
    (N, label bytes) uint8."""
    reader = _find(spec, path)
    return tuple(_read_batches(spec, reader, names) for names in (spec.train, spec.test))


def _find(spec: CifarArchive, path):
    """A function name -> bytes over the first candidate holding the folder or the tarball."""
    candidates = _files.candidate_directories(spec.dataset, path)
    for directory in candidates:
        archive = directory / spec.archive
        if archive.is_file():  # before the folder: the tarball has an official MD5 to check, the folder none
            try:
                return _archive_reader(spec, archive)
            except DatasetError:
                if path is not None or directory != _files.download_directory(spec.dataset):
                    raise
                archive.unlink()  # a download of ours that went wrong (an old truncated copy): fetched again
                continue
        for folder in (directory / spec.folder, directory):
            if all((folder / name).is_file() for name in spec.train + spec.test):
                return lambda name, folder=folder: (folder / name).read_bytes()
    batches = ", ".join(spec.train + spec.test)
    missing = _files.FilesNotFound(_files.not_found_message(
        spec.dataset, f"{spec.archive} (from {spec.url}), or the folder {spec.folder}/ it holds ({batches})",
        candidates))
    if path is not None:
        raise missing
    directory = _files.fetch(spec.dataset, [(spec.url, spec.archive, spec.md5)], missing, content_md5=file_md5)
    return _archive_reader(spec, directory / spec.archive)


def _archive_reader(spec: CifarArchive, archive: Path):
    check_md5(file_md5(archive), spec.md5, str(archive))
    try:
        with tarfile.open(archive, "r:gz") as tar:
            contents = {name: _member(tar, f"{spec.folder}/{name}", archive) for name in spec.train + spec.test}
    except (tarfile.TarError, EOFError, OSError) as error:
        raise DatasetError(f"{archive}: unreadable tar.gz archive ({error}).") from error
    return contents.__getitem__


def _member(tar, name, archive) -> bytes:
    try:
        return tar.extractfile(name).read()
    except (KeyError, AttributeError) as error:
        raise DatasetError(f"{archive}: the archive has no file {name}.") from error


def _read_batches(spec: CifarArchive, reader, names):
    label_bytes = len(spec.label_classes)
    record = label_bytes + PIXELS
    parts = []
    for name in names:
        content = reader(name)
        if not content or len(content) % record:
            raise DatasetError(f"{spec.dataset}: {name} holds {len(content)} bytes, not a whole number of "
                               f"{record}-byte records; the file is truncated or not the binary version.")
        parts.append(np.frombuffer(content, dtype=np.uint8).reshape(-1, record))
    records = np.concatenate(parts)
    labels = records[:, :label_bytes].copy()
    for column, classes in enumerate(spec.label_classes):
        if labels[:, column].max() >= classes:
            raise DatasetError(f"{spec.dataset}: label byte {column} holds {labels[:, column].max()}, but there are "
                               f"only {classes} classes; the files are not the binary version.")
    images = records[:, label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy()
    return images, labels
