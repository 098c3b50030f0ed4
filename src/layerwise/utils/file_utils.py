"""get_file: a file downloaded once into a cache directory and checked, as `keras.utils.get_file`."""

import hashlib
import os
import shutil
import tarfile
import urllib.request
import zipfile
from pathlib import Path

from layerwise.saving.atomic import atomic_write


def _digest(path, algorithm):
    hasher = hashlib.new(algorithm)
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """The local path of ``origin``'s file, downloaded into ``cache_dir/cache_subdir`` unless already there.

    Args:
        fname: the file's name in the cache (default: the last part of ``origin``).
        origin: the URL (``file://`` URLs work too).
        untar: Keras's older spelling of ``extract`` for tar archives.
        md5_hash, file_hash: the expected digest (sha256 for 64 hex digits, else md5 under "auto"); a cached file
            that does not match is downloaded again, a download that does not match is an error.
        cache_subdir: the subdirectory of the cache (default "datasets"), or an absolute path.
        hash_algorithm: "auto", "sha256" or "md5".
        extract: unpack a tar or zip archive next to it and return the directory.
        archive_format: "auto", "tar" or "zip".
        cache_dir: the cache (default ``$KERAS_HOME`` or ~/.keras).
        force_download: download even if the file is cached.

    Returns:
        The path of the file (or of the directory it was extracted into), as a str.

    Example:
        A local file (a ``file://`` URL) fetched into a cache, checked against its SHA-256; once cached, the
        copy is used even when the origin is gone:

        >>> import hashlib, os, tempfile
        >>> from pathlib import Path
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     source = Path(directory, "data.csv")
        ...     _ = source.write_text("x,y")
        ...     digest = hashlib.sha256(source.read_bytes()).hexdigest()
        ...     cache = os.path.join(directory, "cache")
        ...     path = get_file(origin=source.as_uri(), file_hash=digest, cache_dir=cache)
        ...     source.unlink()
        ...     again = get_file(origin=source.as_uri(), file_hash=digest, cache_dir=cache)
        ...     print(Path(path).relative_to(directory).as_posix(), again == path, Path(path).read_text())
        cache/datasets/data.csv True x,y
    """
    if origin is None:
        raise ValueError("get_file: origin (the URL of the file) is required")
    fname = fname or os.path.basename(origin.rstrip("/"))
    directory = Path(cache_dir or os.environ.get("KERAS_HOME", Path.home() / ".keras")) / cache_subdir
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / fname
    expected = file_hash or md5_hash
    algorithm = hash_algorithm if hash_algorithm != "auto" else (
        "sha256" if expected is not None and len(expected) == 64 else "md5")
    if force_download or not path.exists() or (expected is not None and _digest(path, algorithm) != expected):
        with urllib.request.urlopen(origin) as response, atomic_write(path) as file:
            shutil.copyfileobj(response, file)
        if expected is not None and _digest(path, algorithm) != expected:
            path.unlink()
            raise ValueError(f"get_file: the {algorithm} digest of {origin} is not {expected}; the file was removed")
    if not (extract or untar):
        return str(path)
    target = directory / (fname.split(".")[0] + "_extracted" if extract else fname.split(".")[0])
    if archive_format in ("auto", "tar") and tarfile.is_tarfile(path):
        with tarfile.open(path) as archive:
            archive.extractall(target, filter="data")
    elif archive_format in ("auto", "zip") and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            archive.extractall(target)
    else:
        raise ValueError(f"get_file: {path} is not a {archive_format if archive_format != 'auto' else 'tar or zip'} "
                         "archive")
    return str(target)
