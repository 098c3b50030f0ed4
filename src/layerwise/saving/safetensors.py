"""The safetensors format, read and written with NumPy alone (no pickle, no dependency).

A file is: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON
``{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {str: str}}``
(padded with spaces to a multiple of 8); then the raw little-endian, C-ordered tensor bytes, offsets
relative to the end of the header. Files written here interoperate with the ``safetensors`` package
(tested), and carry one extra metadata entry, ``layerwise.sha256``: a digest of the tensor table and
bytes, so that a flipped bit is reported instead of loaded. Files from other tools have no digest and
are checked structurally only.

Every malformed file raises `layerwise.errors.ModelFileError` naming the problem; nothing is
allocated beyond the file's own size.
"""

import hashlib
import json
import math
import os
import struct

import numpy as np

from layerwise.errors import ModelFileError
from layerwise.saving.atomic import atomic_write

MAX_HEADER_BYTES = 16 * 2**20
_MAX_DIMS = 32  # NumPy 1.x's limit (2.x allows 64)
DIGEST_KEY = "layerwise.sha256"
_DTYPES = {
    "F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32,
    "I16": np.int16, "I8": np.int8, "U64": np.uint64, "U32": np.uint32, "U16": np.uint16, "U8": np.uint8,
    "BOOL": np.bool_,
}
_CODES = {np.dtype(t): code for code, t in _DTYPES.items()}


def _digest(table, chunks) -> str:
    digest = hashlib.sha256(json.dumps(table, sort_keys=True, separators=(",", ":")).encode())
    for chunk in chunks:
        digest.update(chunk)
    return digest.hexdigest()


def _prepare(tensors):
    arrays, table, offset = {}, {}, 0
    for name in sorted(tensors):
        array = np.asarray(tensors[name])
        if array.dtype.newbyteorder("=") not in _CODES:
            raise TypeError(f"safetensors: tensor {name!r} has dtype {array.dtype}, which safetensors cannot hold")
        array = np.asarray(array, dtype=array.dtype.newbyteorder("<"), order="C")
        arrays[name] = array
        table[name] = {"dtype": _CODES[array.dtype.newbyteorder("=")], "shape": list(array.shape),
                       "data_offsets": [offset, offset + array.nbytes]}
        offset += array.nbytes
    return arrays, table


def write(file, tensors, metadata=None) -> None:
    """Write ``{name: array}`` (and optional ``{str: str}`` metadata) to an open binary file."""
    arrays, table = _prepare(tensors)
    chunks = [memoryview(a.reshape(-1).view(np.uint8)) for a in arrays.values()]
    header = dict(table)
    header["__metadata__"] = {**(metadata or {}), DIGEST_KEY: _digest(table, chunks)}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    file.write(struct.pack("<Q", len(text)))
    file.write(text)
    for chunk in chunks:
        file.write(chunk)


def save_file(tensors, path, metadata=None) -> None:
    """Write tensors to ``path`` atomically (see `layerwise.saving.atomic_write`)."""
    with atomic_write(path) as file:
        write(file, tensors, metadata)


def _unique_keys(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ModelFileError(f"duplicate key {key!r}")
        result[key] = value
    return result


def parse_json(data: bytes, what: str):
    """Strict JSON (UTF-8, no duplicate keys), every failure as a ModelFileError naming ``what``."""
    try:
        return json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys)
    except ModelFileError as error:
        raise ModelFileError(f"{what}: {error}") from None
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ModelFileError(f"{what} is not valid JSON ({type(error).__name__}: {error})") from None


def _is_index(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _check_entry(name, entry, size, where):
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise ModelFileError(f"{where}: tensor {name!r} needs exactly dtype, shape and data_offsets")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in _DTYPES:
        raise ModelFileError(f"{where}: tensor {name!r} has unknown dtype {dtype!r}")
    if not isinstance(shape, list) or len(shape) > _MAX_DIMS or not all(_is_index(d) for d in shape):
        raise ModelFileError(f"{where}: tensor {name!r} has an invalid shape {shape!r}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_index(o) for o in offsets)
            and offsets[0] <= offsets[1] <= size):
        raise ModelFileError(f"{where}: tensor {name!r} has data_offsets {offsets!r} outside the "
                             f"{size}-byte data section")
    if math.prod(shape) * np.dtype(_DTYPES[dtype]).itemsize != offsets[1] - offsets[0]:
        raise ModelFileError(f"{where}: tensor {name!r} of shape {shape} and dtype {dtype} does not fill "
                             f"its {offsets[1] - offsets[0]} bytes")


def loads(data: bytes, where="safetensors data"):
    """Parse a safetensors file's bytes into ``({name: array}, metadata)``; arrays are writable copies."""
    if len(data) < 8:
        raise ModelFileError(f"{where}: truncated ({len(data)} bytes; a safetensors file has at least 8)")
    (length,) = struct.unpack("<Q", data[:8])
    if length > MAX_HEADER_BYTES:
        raise ModelFileError(f"{where}: header of {length} bytes is larger than the {MAX_HEADER_BYTES}-byte "
                             "limit (not a safetensors file, or a corrupted one)")
    if 8 + length > len(data):
        raise ModelFileError(f"{where}: truncated (header says {length} bytes, the file has {len(data) - 8} "
                             "after the length)")
    header = parse_json(bytes(data[8:8 + length]), f"{where}: header")
    if not isinstance(header, dict):
        raise ModelFileError(f"{where}: the header is not a JSON object")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ModelFileError(f"{where}: __metadata__ must map strings to strings")
    body = memoryview(data)[8 + length:]
    for name, entry in header.items():
        _check_entry(name, entry, len(body), where)
    spans = sorted(tuple(entry["data_offsets"]) for entry in header.values())
    ends = [0] + [end for _, end in spans]
    if [begin for begin, _ in spans] != ends[:-1] or ends[-1] != len(body):
        raise ModelFileError(f"{where}: tensor data overlaps, leaves gaps, or the file is truncated or "
                             f"padded (data section of {len(body)} bytes)")
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        dtype = np.dtype(_DTYPES[entry["dtype"]]).newbyteorder("<")
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).astype(dtype.newbyteorder("="))
        tensors[name] = tensors[name].reshape(entry["shape"])
    if DIGEST_KEY in metadata:
        table = {name: header[name] for name in sorted(header)}
        chunks = [body[e["data_offsets"][0]:e["data_offsets"][1]] for e in table.values()]
        if _digest(table, chunks) != metadata[DIGEST_KEY]:
            raise ModelFileError(f"{where}: checksum mismatch, the file is corrupted")
    return tensors, metadata


def check_magic(head: bytes, where) -> None:
    """Refuse a file that does not start as a safetensors file (a header length within the limit, then
    ``{``), before the rest of it is read."""
    if len(head) < 9 or not 2 <= struct.unpack("<Q", head[:8])[0] <= MAX_HEADER_BYTES or head[8:9] != b"{":
        raise ModelFileError(f"{where} is not a safetensors file (it starts with {bytes(head[:9])!r}, not an "
                             f"8-byte header length of at most {MAX_HEADER_BYTES} then '{{')")


def read_bytes(path, check_head=None) -> bytes:
    """A file's bytes, a missing or unreadable file reported as a ModelFileError.

    ``check_head(first 16 bytes, path)`` may refuse the file before the rest is read (a device such as
    /dev/zero never ends).
    """
    where = os.fspath(path)
    try:
        with open(where, "rb") as file:
            head = file.read(16)
            if check_head is not None:
                check_head(head, where)
            return head + file.read()
    except OSError as error:
        raise ModelFileError(f"cannot read {where!r}: {error.strerror or error}") from None


def load_file(path):
    """Read a safetensors file into ``{name: array}`` (see `loads`)."""
    return loads(read_bytes(path, check_magic), os.fspath(path))[0]
