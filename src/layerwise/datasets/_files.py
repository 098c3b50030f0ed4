"""Find, verify, download and read the files of a data set: the table-driven part every loader shares.

A loader (``mnist.py``, ``fashion_mnist.py``) is a table of files with their official MD5s and one
call to ``load_idx_files``. The files are looked for, in order, in

1. the ``path`` argument, if given (and nowhere else);
2. ``$LAYERWISE_DATA/<dataset>/`` then ``$LAYERWISE_DATA/``, if the variable is set;
3. the per-user cache, ``$XDG_CACHE_HOME/layerwise/<dataset>/`` (default ``~/.cache/layerwise``);
4. the copy shipped inside the package, ``layerwise/datasets/data/<dataset>/``;
5. the loader's system directories (e.g. where a Debian package installs the data).

The first directory that holds every file wins; one that holds only some of them is an error. Each
file may be gzipped (``name.gz``) or not (``name``); the MD5 checked is always that of the
uncompressed content. When no directory holds the files and the loader names an official URL, they
are downloaded into the data directory (``$LAYERWISE_DATA/<dataset>/``, else the cache), each written
to a temporary file (`layerwise.saving.atomic_write`: an interrupted download leaves no file in place and
its temporary file is removed by the next one), checked against its MD5 and only then kept. A download
directory holding only some of the files (an earlier download interrupted between files) gets the missing
ones downloaded: a partial download never blocks the cache.
"""

import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path
from typing import List, NamedTuple, Optional, Sequence, Union

import numpy as np

from layerwise.datasets._idx import check_md5, md5_of_content, read_idx
from layerwise.errors import DatasetError
from layerwise.saving.atomic import atomic_write

DATA_ENV_VAR = "LAYERWISE_DATA"
SHIPPED_DATA = Path(__file__).parent / "data"
_DOWNLOAD_TIMEOUT = 60


class FilesNotFound(DatasetError):
    """No candidate directory holds any file of the data set (a download may help)."""


class PartialDirectory(DatasetError):
    """A candidate directory holds some of the files of the data set but not all of them."""

    def __init__(self, message, directory, missing):
        super().__init__(message)
        self.directory, self.missing = directory, missing


class IdxFile(NamedTuple):
    """One IDX file of a data set: its uncompressed name and the official MD5 of its content."""

    name: str
    md5: str


def load_idx_files(dataset: str, files: Sequence[IdxFile], path: Union[str, os.PathLike, None] = None,
                   url: Optional[str] = None, system_directories: Sequence[Path] = ()) -> List[np.ndarray]:
    """Read and verify every file of a data set, in the order of ``files``, downloading it if needed.

    Args:
        dataset: The data set's directory name (``"mnist"``), also used in error messages.
        files: The table of files to read.
        path: A directory that holds the files; overrides every other place and disables downloads.
        url: The official base URL of the ``<name>.gz`` files, or None for no download.
        system_directories: Further directories to look in, after the shipped copy.

    Returns:
        One array per entry of ``files``.

    Raises:
        DatasetError: A file is missing and cannot be downloaded (the message lists which files to
            put where), malformed, truncated, or its content's MD5 differs from the table.
    """
    try:
        directory = find_directory(dataset, files, path, system_directories)
    except (FilesNotFound, PartialDirectory) as missing:
        partial = isinstance(missing, PartialDirectory)
        if path is not None or url is None or (partial and missing.directory != download_directory(dataset)):
            raise
        wanted = [file for file in files if not partial or file.name in missing.missing]
        directory = fetch(dataset, [(f"{url}{file.name}.gz", f"{file.name}.gz", file.md5) for file in wanted],
                          missing)
    return [read_idx(locate(directory, file), expected_md5=file.md5) for file in files]


def find_directory(dataset: str, files: Sequence[IdxFile], path=None, system_directories=()) -> Path:
    """Return the first candidate directory that holds every file (see the module docstring).

    Raises:
        FilesNotFound: No candidate holds any file.
        PartialDirectory: A candidate holds only some of them (a partial copy is a mistake worth
            reporting rather than silently skipping; in the download directory, the rest is downloaded).
    """
    candidates = candidate_directories(dataset, path, system_directories)
    for directory in candidates:
        missing = [file.name for file in files if locate(directory, file) is None]
        if not missing:
            return directory
        if len(missing) < len(files):
            raise PartialDirectory(
                f"{dataset}: {directory} holds only part of the data set; missing "
                f"{_either_form(missing)}. Put the missing files there (gzipped or not).", directory, missing)
    raise FilesNotFound(not_found_message(dataset, _either_form([file.name for file in files]) +
                                          " (gzipped or not)", candidates))


def not_found_message(dataset: str, what: str, candidates: Sequence[Path]) -> str:
    """The offline error: which files to put in which directories."""
    places = "\n".join(f"  {directory}" for directory in candidates)
    return (f"{dataset}: data files not found. Put {what} in one of:\n{places}\n"
            f"(or pass path=<directory>, or set {DATA_ENV_VAR}).")


def cache_directory() -> Path:
    """The per-user cache root, ``$XDG_CACHE_HOME/layerwise`` or ``~/.cache/layerwise``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "layerwise"


def download_directory(dataset: str) -> Path:
    """Where downloads go: ``$LAYERWISE_DATA/<dataset>`` if the variable is set, else the cache."""
    root = os.environ.get(DATA_ENV_VAR)
    return (Path(root) if root else cache_directory()) / dataset


def candidate_directories(dataset: str, path=None, system_directories=()) -> List[Path]:
    """Return the directories searched for ``dataset``, most specific first."""
    if path is not None:
        return [Path(path)]
    root = os.environ.get(DATA_ENV_VAR)
    from_env = [Path(root) / dataset, Path(root)] if root else []
    return from_env + [cache_directory() / dataset, SHIPPED_DATA / dataset] + [Path(d) for d in system_directories]


def download(url: str, destination: Path) -> None:
    """Copy ``url`` to ``destination`` through a temporary file in the same directory (`atomic_write`): an
    interrupted download is restarted from the beginning by the next call."""
    with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response, atomic_write(destination) as out:
        shutil.copyfileobj(response, out, 1 << 20)


def fetch(dataset: str, downloads, missing: FilesNotFound, content_md5=md5_of_content) -> Path:
    """Download each (url, file name, md5) into `download_directory` and verify it; return the directory.

    ``content_md5(path)`` computes the checksum compared with the table (by default that of the
    uncompressed content). A file failing its check is deleted; a failed download raises a
    DatasetError that repeats ``missing``'s instructions.
    """
    directory = download_directory(dataset)
    directory.mkdir(parents=True, exist_ok=True)
    for url, name, md5 in downloads:
        target = directory / name
        try:
            download(url, target)
        except (urllib.error.URLError, OSError) as error:
            raise DatasetError(f"{missing}\nDownloading {url} into {target} (expected MD5 {md5}) failed: "
                               f"{error}") from error
        try:
            check_md5(content_md5(target), md5, str(target))
        except DatasetError:
            target.unlink()
            raise
    return directory


def locate(directory: Path, file: IdxFile) -> Optional[Path]:
    """Return the uncompressed or the gzipped copy of ``file`` in ``directory``, or None."""
    for candidate in (directory / file.name, directory / f"{file.name}.gz"):
        if candidate.is_file():
            return candidate
    return None


def _either_form(names: Sequence[str]) -> str:
    return ", ".join(f"{name}[.gz]" for name in names)
