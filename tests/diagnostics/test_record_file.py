"""The diagnostics' files: on disk at each epoch's end, in CSV, JSON or JSON Lines, as the records are."""

import csv
import json

import numpy as np
import pytest

from layerwise.callbacks import LambdaCallback
from layerwise.diagnostics import DeadUnits, GradientFlow
from layerwise.diagnostics._record_file import RecordFile

from tiny_networks import relu_mlp


def _read(path):
    if path.suffix == ".json":
        return json.loads(path.read_text())
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text().splitlines()]
    with open(path, newline="") as file:
        return [{key: int(value) if key in ("epoch", "batch") else float(value) for key, value in row.items()}
                for row in csv.DictReader(file)]


def _fit(diagnostic, path, rng, epochs=3):
    """Train with ``diagnostic``; return how many records the file held at each epoch's end."""
    on_disk = []
    after = LambdaCallback(on_epoch_end=lambda epoch, logs: on_disk.append(len(_read(path))))
    relu_mlp().fit(rng.normal(size=(12, 3)), rng.normal(size=(12, 2)), batch_size=4, epochs=epochs, verbose=0,
                   callbacks=[diagnostic, after])
    return on_disk


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl"])
def test_the_file_holds_every_record_at_each_epochs_end(suffix, tmp_path, rng):
    path = tmp_path / f"dead{suffix}"
    dead = DeadUnits(rng.normal(size=(5, 3)), path=path)
    assert _fit(dead, path, rng) == [1, 2, 3]
    assert _read(path) == dead.records
    assert list(dead.records[0]) == ["epoch", "dead_fraction/hidden", "sparsity/hidden"]


def test_per_batch_records_and_a_new_fit_starts_a_new_file(tmp_path, rng):
    path = tmp_path / "flow.csv"
    flow = GradientFlow(every=2, path=path)
    assert _fit(flow, path, rng) == [2, 4, 6]  # batches 0 and 2 of 3 per epoch
    assert _read(path) == flow.records
    _fit(flow, path, rng, epochs=1)
    assert [(record["epoch"], record["batch"]) for record in _read(path)] == [(0, 0), (0, 2)]


def test_the_suffix_names_a_known_format():
    with pytest.raises(ValueError, match=r"GradientFlow: path must end in .csv, .json or .jsonl, received 'flow.txt'"):
        GradientFlow(path="flow.txt")
    with pytest.raises(ValueError, match="DeadUnits: path must end in"):
        DeadUnits(np.zeros((1, 3)), path="dead")


@pytest.mark.parametrize("suffix", [".csv", ".json", ".jsonl"])
def test_append_continues_the_records_already_in_the_file(suffix, tmp_path):
    path = tmp_path / f"records{suffix}"
    first = RecordFile(path, "Test")
    first.start()
    first.write([{"epoch": 0, "x/dense": 1.0}])
    resumed = RecordFile(path, "Test", append=True)
    resumed.start()
    resumed.write([{"epoch": 1, "x/dense": 2.0}])
    text = path.read_text()
    if suffix == ".csv":
        assert text.splitlines() == ["epoch,x/dense", "0,1.0", "1,2.0"]
    elif suffix == ".json":
        assert json.loads(text) == [{"epoch": 0, "x/dense": 1.0}, {"epoch": 1, "x/dense": 2.0}]
    else:
        assert [json.loads(line)["epoch"] for line in text.splitlines()] == [0, 1]
