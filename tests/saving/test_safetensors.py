"""Our NumPy safetensors codec against the reference `safetensors` package, and its checks."""

import struct

import numpy as np
import pytest
import safetensors.numpy as reference

from layerwise.errors import ModelFileError
from layerwise.saving import safetensors

DTYPES = ["float64", "float32", "float16", "int64", "int32", "int16", "int8", "uint8", "bool"]


def _tensors(rng):
    return {f"t_{dtype}": (rng.normal(size=(2, 3)) * 50).astype(dtype) for dtype in DTYPES} | {
        "scalar": np.array(3.5), "empty": np.zeros((0, 4), "float32"), "big_endian": np.arange(5, dtype=">i4")}


def test_reference_package_reads_our_files(tmp_path, rng):
    tensors = _tensors(rng)
    safetensors.save_file(tensors, tmp_path / "a.safetensors", metadata={"note": "hi"})
    loaded = reference.load_file(str(tmp_path / "a.safetensors"))
    assert set(loaded) == set(tensors)
    for name, array in tensors.items():
        assert loaded[name].dtype == array.dtype.newbyteorder("=") and loaded[name].shape == array.shape
        np.testing.assert_array_equal(loaded[name], array)


def test_we_read_reference_files_without_a_digest(tmp_path, rng):
    tensors = {k: v for k, v in _tensors(rng).items() if k != "big_endian"}
    reference.save_file(tensors, str(tmp_path / "b.safetensors"))
    loaded = safetensors.load_file(tmp_path / "b.safetensors")
    for name, array in tensors.items():
        np.testing.assert_array_equal(loaded[name], array)
        assert loaded[name].flags.writeable


def _file(header: bytes, body=b""):
    return struct.pack("<Q", len(header)) + header + body


@pytest.mark.parametrize("data, message", [
    (b"", "truncated"),
    (struct.pack("<Q", 2**62) + b"{}", "larger than the"),
    (struct.pack("<Q", 100) + b"{}", "truncated"),
    (_file(b"[1]"), "not a JSON object"),
    (_file(b"\xff\xfe"), "not valid JSON"),
    (_file(b"[" * 100000), "not valid JSON"),
    (_file(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}, '
           b'"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', b"\0" * 4), "duplicate key"),
    (_file(b'{"a": {"dtype": "X9", "shape": [1], "data_offsets": [0, 4]}}', b"\0" * 4), "unknown dtype"),
    (_file(b'{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}', b"\0" * 4), "invalid shape"),
    (_file(b'{"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 4]}}', b"\0" * 4), "does not fill"),
    (_file(b'{"a": {"dtype": "F32", "shape": [' + b"1," * 64 + b'1], "data_offsets": [0, 4]}}', b"\0" * 4),
     "invalid shape"),
    (_file(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 8]}}', b"\0" * 4), "outside"),
    (_file(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', b"\0" * 8), "gaps"),
    (_file(b'{"__metadata__": {"k": 1}}'), "strings to strings"),
])
def test_malformed_files_name_the_problem(data, message):
    with pytest.raises(ModelFileError, match=message):
        safetensors.loads(data)


def test_a_flipped_bit_in_the_data_fails_the_checksum(tmp_path):
    safetensors.save_file({"w": np.arange(6, dtype="float32")}, tmp_path / "w.safetensors")
    data = bytearray((tmp_path / "w.safetensors").read_bytes())
    data[-3] ^= 0x10
    with pytest.raises(ModelFileError, match="checksum"):
        safetensors.loads(bytes(data))
