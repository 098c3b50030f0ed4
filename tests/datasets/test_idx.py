"""Tests for the IDX reader: round trips for every dtype code, header and size checks, MD5s."""

import gzip
import hashlib
import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

from layerwise.datasets._idx import md5_of_content, read_idx
from layerwise.errors import DatasetError, LayerwiseError

DTYPE_CODES = {
    0x08: np.uint8,
    0x09: np.int8,
    0x0B: np.int16,
    0x0C: np.int32,
    0x0D: np.float32,
    0x0E: np.float64,
}


def to_idx(array, code):
    """Encode ``array`` as IDX bytes with the given dtype code (the reference writer)."""
    header = bytes([0, 0, code, array.ndim]) + b"".join(dim.to_bytes(4, "big") for dim in array.shape)
    return header + array.astype(np.dtype(DTYPE_CODES[code]).newbyteorder(">")).tobytes()


@st.composite
def idx_arrays(draw):
    code = draw(st.sampled_from(sorted(DTYPE_CODES)))
    shape = array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5)
    return code, draw(arrays(DTYPE_CODES[code], shape))


@settings(max_examples=60, deadline=None)
@given(case=idx_arrays(), gzipped=st.booleans())
def test_read_idx_round_trips_every_dtype_code(case, gzipped):
    code, array = case
    data = to_idx(array, code)
    result = read_idx(io.BytesIO(gzip.compress(data) if gzipped else data))
    assert result.dtype == array.dtype and result.dtype.isnative
    assert result.shape == array.shape
    assert result.tobytes() == array.tobytes()


@pytest.mark.parametrize("gzipped", [False, True])
def test_read_idx_reads_paths_by_content_not_by_name(tmp_path, gzipped):
    array = np.arange(-6, 6, dtype=np.int16).reshape(3, 4)
    data = to_idx(array, 0x0B)
    path = tmp_path / "no-extension"
    path.write_bytes(gzip.compress(data) if gzipped else data)
    result = read_idx(path)
    np.testing.assert_array_equal(result, array)
    assert result.flags.writeable


def test_read_idx_is_exact_on_a_known_big_endian_payload():
    data = bytes([0, 0, 0x0C, 1, 0, 0, 0, 2]) + bytes([0, 0, 1, 0, 0xFF, 0xFF, 0xFF, 0xFE])
    np.testing.assert_array_equal(read_idx(io.BytesIO(data)), np.array([256, -2], dtype=np.int32))


@pytest.mark.parametrize(
    "data, message",
    [
        (bytes([1, 0, 0x08, 1, 0, 0, 0, 0]), "not an IDX file"),
        (bytes([0, 0]), "not an IDX file"),
        (bytes([0, 0, 0x07, 1, 0, 0, 0, 0]), "unknown IDX dtype code 0x07"),
        (bytes([0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0]), "truncated IDX header"),
        (bytes([0, 0, 0x08, 1, 0, 0, 0, 3, 7, 7]), "truncated IDX payload"),
        (bytes([0, 0, 0x0B, 1, 0, 0, 0, 1, 7, 7, 7]), "oversized IDX payload"),
    ],
)
def test_read_idx_rejects_malformed_content_naming_the_file(tmp_path, data, message):
    path = tmp_path / "bad-idx1-ubyte"
    path.write_bytes(data)
    with pytest.raises(DatasetError, match=message) as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value, ValueError) and isinstance(info.value, LayerwiseError)


def test_read_idx_rejects_a_truncated_gzip_stream(tmp_path):
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(to_idx(np.arange(1000, dtype=np.uint8), 0x08))[:-20])
    with pytest.raises(DatasetError, match="corrupt or truncated gzip") as info:
        read_idx(path)
    assert str(path) in str(info.value)
    with pytest.raises(DatasetError, match="corrupt or truncated gzip"):
        md5_of_content(path)


def test_read_idx_rejects_a_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="absent-idx1-ubyte"):
        read_idx(tmp_path / "absent-idx1-ubyte")


def test_read_idx_checks_the_md5_of_the_uncompressed_content(tmp_path):
    data = to_idx(np.arange(10, dtype=np.uint8), 0x08)
    actual = hashlib.md5(data).hexdigest()
    path = tmp_path / "labels.gz"
    path.write_bytes(gzip.compress(data))
    np.testing.assert_array_equal(read_idx(path, expected_md5=actual), np.arange(10))
    wrong = "0" * 32
    with pytest.raises(DatasetError) as info:
        read_idx(path, expected_md5=wrong)
    assert str(path) in str(info.value) and actual in str(info.value) and wrong in str(info.value)


@pytest.mark.parametrize("gzipped", [False, True])
def test_md5_of_content_streams_past_one_chunk(tmp_path, gzipped):
    data = np.random.default_rng(0).integers(0, 256, size=3 * (1 << 20) + 17, dtype=np.uint8).tobytes()
    path = tmp_path / "blob"
    path.write_bytes(gzip.compress(data, compresslevel=1) if gzipped else data)
    expected = hashlib.md5(data).hexdigest()
    assert md5_of_content(path) == expected
    with open(path, "rb") as fileobj:
        assert md5_of_content(fileobj) == expected
        assert not fileobj.closed
