"""Reader for the IDX format of MNIST-like data sets, plain or gzipped.

An IDX file is a big-endian header followed by the raw array:

    byte 0-1   0x00 0x00
    byte 2     dtype code: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
    byte 3     ndim
    then       ndim big-endian uint32 dimensions, then prod(dims) items in C order, big-endian.

References:
    Y. LeCun, C. Cortes, C. Burges, "The MNIST database of handwritten digits" (the format is
    described at the bottom of http://yann.lecun.com/exdb/mnist/).
"""

import contextlib
import gzip
import hashlib
import os
import zlib
from typing import BinaryIO, Union

import numpy as np

from layerwise.errors import DatasetError

Source = Union[str, os.PathLike, BinaryIO]

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK_SIZE = 1 << 20
_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(source: Source, expected_md5: Union[str, None] = None) -> np.ndarray:
    """Read an IDX file (gzipped or not) into a NumPy array.

    Gzip is detected by its magic bytes (1f 8b), not by the file name.

    Args:
        source: A path, or a binary file object opened for reading.
        expected_md5: If given, the hex MD5 that the uncompressed content must have.

    Returns:
        A new, writable array with the shape of the header's dimensions and the dtype of its
        dtype code, in native byte order.

    Raises:
        DatasetError: The file is not IDX, its payload is truncated or oversized, its gzip
            stream is corrupt, or its MD5 differs from ``expected_md5``.

    Example:
        >>> import io
        >>> header = bytes([0, 0, 0x08, 2]) + (2).to_bytes(4, "big") + (3).to_bytes(4, "big")
        >>> read_idx(io.BytesIO(header + bytes(range(6))))
        array([[0, 1, 2],
               [3, 4, 5]], dtype=uint8)
    """
    name = _name_of(source)
    content = _read_content(source, name)
    dtype, shape, offset = _parse_header(content, name)
    if expected_md5 is not None:
        check_md5(hashlib.md5(content, usedforsecurity=False).hexdigest(), expected_md5, name)
    return np.frombuffer(content, dtype=dtype, offset=offset).reshape(shape).astype(dtype.newbyteorder("="))


def md5_of_content(source: Source) -> str:
    """Return the hex MD5 of a file's uncompressed content, reading it in chunks.

    Args:
        source: A path, or a seekable binary file object opened for reading; gzip is detected
            by its magic bytes and decompressed on the fly.

    Raises:
        DatasetError: The gzip stream is corrupt or truncated.
    """
    name = _name_of(source)
    digest = hashlib.md5(usedforsecurity=False)
    with _open_raw(source) as raw:
        stream = gzip.GzipFile(fileobj=raw) if _is_gzip(raw) else raw
        try:
            for chunk in iter(lambda: stream.read(_CHUNK_SIZE), b""):
                digest.update(chunk)
        except (EOFError, OSError, zlib.error) as error:
            raise DatasetError(f"{name}: corrupt or truncated gzip stream ({error}).") from error
    return digest.hexdigest()


def check_md5(actual: str, expected: str, name: str) -> None:
    """Raise DatasetError naming the file and both checksums unless ``actual == expected``."""
    if actual != expected:
        raise DatasetError(
            f"{name}: the MD5 of the uncompressed content is {actual}, expected {expected}. "
            "The file is corrupt or is not the official one; replace it."
        )


def _parse_header(content: bytes, name: str) -> tuple:
    """Return (big-endian dtype, shape, payload offset) after checking the payload size."""
    if len(content) < 4 or content[:2] != b"\x00\x00":
        magic = content[:4].hex(" ")
        raise DatasetError(f"{name}: not an IDX file (expected magic 00 00 xx xx, got {magic}).")
    code, ndim = content[2], content[3]
    if code not in _DTYPES:
        known = ", ".join(f"0x{key:02X}" for key in _DTYPES)
        raise DatasetError(f"{name}: unknown IDX dtype code 0x{code:02X}; expected one of {known}.")
    offset = 4 + 4 * ndim
    if len(content) < offset:
        raise DatasetError(
            f"{name}: truncated IDX header ({len(content)} bytes, {offset} needed for ndim={ndim})."
        )
    shape = tuple(int(dim) for dim in np.frombuffer(content, dtype=">u4", count=ndim, offset=4))
    dtype = _DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    received = len(content) - offset
    if received != expected:
        problem = "truncated" if received < expected else "oversized"
        raise DatasetError(
            f"{name}: {problem} IDX payload: shape {shape} of {dtype.name} needs {expected} bytes, "
            f"found {received}."
        )
    return dtype, shape, offset


def _read_content(source: Source, name: str) -> bytes:
    """Return the whole uncompressed content of ``source``."""
    with _open_raw(source) as raw:
        data = raw.read()
    if not data.startswith(_GZIP_MAGIC):
        return data
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error) as error:
        raise DatasetError(f"{name}: corrupt or truncated gzip stream ({error}).") from error


def _open_raw(source: Source):
    """Open a path; a file object is wrapped so that ``with`` leaves it open for its owner."""
    if hasattr(source, "read"):
        return contextlib.nullcontext(source)
    try:
        return open(source, "rb")
    except OSError as error:
        raise DatasetError(f"{source}: cannot open ({error.strerror}).") from error


def _is_gzip(raw: BinaryIO) -> bool:
    """Peek at the first two bytes of a seekable stream."""
    start = raw.tell()
    magic = raw.read(2)
    raw.seek(start)
    return magic == _GZIP_MAGIC


def _name_of(source: Source) -> str:
    if hasattr(source, "read"):
        return str(getattr(source, "name", repr(source)))
    return os.fspath(source)

