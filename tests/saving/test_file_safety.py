"""Bad files of every kind get one error type, ModelFileError, naming the problem; writes are atomic."""

import json
import zipfile

import numpy as np
import pytest

import layerwise
from layerwise.errors import ModelFileError
from layerwise.models import load_model
from layerwise.saving import archive, atomic_write, model_file, safetensors

from saving_helpers import tiny_model


def _rewrite(path, change):
    """Rewrite a model file's entries through ``change(entries)``, keeping the zip valid and, unless
    ``change`` writes its own, the manifest's list of entries true."""
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist() if name != archive.MANIFEST}
    change(entries)
    if archive.MANIFEST in entries:
        archive.write_archive(path, entries)
    else:
        model_file.write_model_file(path, entries)


def test_missing_file(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read"):
        load_model(tmp_path / "nope.lw")


def test_truncated_file(saved_model):
    _, path = saved_model
    data = path.read_bytes()
    for length in (0, 3, 10, len(data) // 2, len(data) - 1):
        path.write_bytes(data[:length])
        with pytest.raises(ModelFileError):
            load_model(path)


def test_bit_flip_in_the_weights_is_caught(saved_model):
    _, path = saved_model
    data = bytearray(path.read_bytes())
    start = data.index(b"dense_1/kernel")
    data[start + 200] ^= 0x04
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="corrupted"):
        load_model(path)


def test_foreign_zip_png_and_torch_files(tmp_path):
    import torch

    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(ModelFileError, match="a zip archive, not a layerwise model"):
        load_model(foreign)
    png = tmp_path / "image.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    with pytest.raises(ModelFileError, match="PNG image"):
        load_model(png)
    torch.save({"w": torch.zeros(3)}, tmp_path / "model.pt")
    with pytest.raises(ModelFileError, match="PyTorch .*never unpickles"):
        load_model(tmp_path / "model.pt")
    with pytest.raises(ModelFileError):
        tiny_model(train=False).load_weights(tmp_path / "model.pt")


def test_version_from_the_future(saved_model):
    _, path = saved_model
    _rewrite(path, lambda e: e.update({"layerwise.json": json.dumps(
        {"format": "layerwise.model", "format_version": 99, "layerwise_version": "9.0"}).encode()}))
    with pytest.raises(ModelFileError, match="newer layerwise .*format version 99.*upgrade"):
        load_model(path)


def test_oversized_header_in_an_entry_and_a_weights_file(saved_model, tmp_path):
    _, path = saved_model
    huge = (2**40).to_bytes(8, "little") + b"{}"
    _rewrite(path, lambda e: e.update({"model.safetensors": huge}))
    with pytest.raises(ModelFileError, match="model.safetensors: header of 1099511627776 bytes"):
        load_model(path)
    (tmp_path / "w.safetensors").write_bytes(huge)
    with pytest.raises(ModelFileError, match="not a safetensors file .*header length of at most 16777216"):
        tiny_model(train=False).load_weights(tmp_path / "w.safetensors")


@pytest.mark.parametrize("change, message", [
    (lambda e: e.update({"extra.bin": b""}), "unexpected or repeated entries"),
    (lambda e: e.pop("model.safetensors"), "'model.safetensors' is missing"),
    (lambda e: e.update({"config.json": b'{"model": {"class_name": "os.system"}}'}), "cannot be built"),
    (lambda e: e.update({"config.json": b'{"model": {"class_name": "Sequential", "config": {"layers": '
                                        b'[{"class_name": "Dense", "config": {"units": -3}}]}}}'}),
     "cannot be built.*units"),
    (lambda e: e.update({"layerwise.json": b'{"format": "other"}'}), "does not name"),
])
def test_wellformed_zip_with_bad_contents(saved_model, change, message):
    _, path = saved_model
    _rewrite(path, change)
    with pytest.raises(ModelFileError, match=message):
        load_model(path)


def test_load_weights_lists_missing_unexpected_and_misshaped(tmp_path):
    model = tiny_model(train=False)
    names = [p.name for p in model.weights]
    tensors = {p.name: p.value for p in model.weights[1:]}
    tensors[names[2]] = np.zeros((7, 7), "float32")
    tensors["stray/weight"] = np.zeros(2, "float32")
    safetensors.save_file(tensors, tmp_path / "w.safetensors")
    with pytest.raises(ModelFileError) as error:
        model.load_weights(tmp_path / "w.safetensors")
    message = str(error.value)
    assert f"missing: {names[0]}" in message and "unexpected: stray/weight" in message
    assert f"mis-shaped: {names[2]} (model (5, 3), file (7, 7))" in message


def test_weights_round_trip_and_load_from_a_model_file(tmp_path):
    model = tiny_model()
    layerwise.layers.base.clear_session()
    other = tiny_model(train=False)
    model.save_weights(tmp_path / "w.safetensors")
    model.save(tmp_path / "m.lw")
    for source in ("w.safetensors", "m.lw"):
        other.load_weights(tmp_path / source)
        for p, q in zip(model.weights, other.weights):
            np.testing.assert_array_equal(p.value, q.value)


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    target = tmp_path / "m.lw"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError, match="disk full"):
        with atomic_write(target) as file:
            file.write(b"half")
            raise RuntimeError("disk full")
    assert target.read_bytes() == b"previous" and [p.name for p in tmp_path.iterdir()] == ["m.lw"]


def test_no_pickle_anywhere_in_the_library():
    from pathlib import Path
    source = Path(layerwise.__file__).parent
    for path in source.rglob("*.py"):
        text = path.read_text()
        assert "import pickle" not in text and "allow_pickle=True" not in text, path
