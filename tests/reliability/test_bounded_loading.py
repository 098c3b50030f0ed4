"""Loading is bounded before anything is allocated: the magic is checked before the file is read, and a
file claiming a huge config, layer or tensor is refused with ModelFileError (issue 19, item 4)."""

import json
import os
import re
import struct
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from layerwise.errors import ModelFileError
from layerwise.models import load_model
from layerwise.saving import model_file, safetensors

from file_helpers import tiny_model

SRC = str(Path(__file__).resolve().parents[2] / "src")

# In a child limited to 2 GB of address space, so that reading /dev/zero to its end fails fast (MemoryError)
# instead of filling the machine's memory.
ENDLESS = textwrap.dedent("""
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (2 * 2**30, 2 * 2**30))
    import layerwise
    from layerwise.saving import safetensors
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layerwise.layers.Dense(1)])
    for load in (layerwise.models.load_model, model.load_weights, safetensors.load_file):
        try:
            load(sys.argv[1])
        except Exception as error:
            print(type(error).__name__, str(error).split(":")[0], flush=True)
""")


def test_dev_zero_is_refused_from_its_first_bytes():
    result = subprocess.run([sys.executable, "-c", ENDLESS, "/dev/zero"], capture_output=True, text=True,
                            timeout=120, env={**os.environ, "PYTHONPATH": SRC, "OPENBLAS_NUM_THREADS": "1"})
    assert result.stdout.splitlines() == ["ModelFileError /dev/zero is not a layerwise model file"] + [
        "ModelFileError /dev/zero is not a safetensors file (it starts with b'\\x00\\x00\\x00\\x00\\x00\\x00\\x00"
        "\\x00\\x00', not an 8-byte header length of at most 16777216 then '{')"] * 2, result.stderr


def _model_file(path, layers):
    """A well-formed model file whose config describes ``layers`` on inputs of shape (4,)."""
    config = {"model": {"class_name": "Sequential", "config": {"name": "crafted", "input_shape": [4],
                                                               "layers": layers}},
              "compile": None, "generators": {}}
    model_file.write_model_file(path, {"config.json": json.dumps(config).encode(),
                                       "model.safetensors": model_file._safetensors_bytes({})})


@pytest.mark.parametrize("layer, weight", [
    ({"class_name": "Dense", "config": {"units": 10**12}}, "'dense/kernel' of shape (4, 1000000000000)"),
    ({"class_name": "Embedding", "config": {"input_dim": 10**9, "output_dim": 10**6}},
     "'embedding/embeddings' of shape (1000000000, 1000000)"),
])
def test_a_config_asking_for_a_huge_layer_is_refused_before_allocating(tmp_path, layer, weight):
    layer["config"]["name"] = weight.split("/")[0].strip("'")
    _model_file(tmp_path / "huge.lw", [layer])
    with pytest.raises(ModelFileError, match=f"cannot be built .*weight {re.escape(weight)} needs .* more than the 0"):
        load_model(tmp_path / "huge.lw")


def test_a_tensor_claiming_a_huge_shape_is_refused(tmp_path):
    header = json.dumps({"dense/kernel": {"dtype": "F32", "shape": [2**31, 2**31], "data_offsets": [0, 8]}})
    header = header.encode() + b" " * (-len(header) % 8)
    path = tmp_path / "w.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header + bytes(8))
    with pytest.raises(ModelFileError, match=r"shape \[2147483648, 2147483648\] .* does not fill its 8 bytes"):
        safetensors.load_file(path)


def test_a_json_entry_over_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "model.lw"
    tiny_model().save(path)
    with zipfile.ZipFile(path) as archive:
        size = archive.getinfo("config.json").file_size
    monkeypatch.setitem(model_file.ENTRIES, "config.json", size - 1)
    with pytest.raises(ModelFileError, match=f"'config.json' claims {size} bytes, more than the {size - 1} allowed"):
        load_model(path)


def test_a_compiled_model_without_its_optimizer_state_is_refused(tmp_path):
    path = tmp_path / "model.lw"
    tiny_model().save(path)
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist() if name != "layerwise.json"}
    del entries["optimizer.safetensors"]
    model_file.write_model_file(path, entries)  # a manifest that agrees: the model itself needs the state
    with pytest.raises(ModelFileError, match="compiled but the file has no optimizer state"):
        load_model(path)


def test_an_entry_missing_from_the_manifest_list_is_refused(tmp_path):
    path = tmp_path / "model.lw"
    tiny_model().save(path)
    with zipfile.ZipFile(path) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    with zipfile.ZipFile(path, "w") as target:
        for name, data in entries.items():
            if name != "optimizer.safetensors":
                target.writestr(name, data)
    with pytest.raises(ModelFileError, match=r"not those its manifest lists .*missing: \['optimizer.safetensors'\]"):
        load_model(path)
