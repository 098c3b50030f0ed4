"""`layerwise train` and `layerwise gradcheck` end to end in subprocesses on MNIST: outputs, diagnostics,
config errors that name their key, Ctrl-C mid-epoch and a bit-identical --resume."""

import csv
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from layerwise.models import load_model

SCRIPT = str(Path(sys.executable).parent / "layerwise")

CONFIG = """
seed = 3
[model]
input_shape = [784]
layers = [{{ class_name = "Dense", config = {{ units = 32, activation = "relu" }} }},
          {{ class_name = "Dense", config = {{ units = 10, activation = "softmax" }} }}]
[data]
dataset = "mnist"
limit = {limit}
validation_split = 0.1
[compile]
optimizer = {{ class_name = "SGD", config = {{ learning_rate = 0.05, momentum = 0.9 }} }}
loss = "sparse_categorical_crossentropy"
metrics = ["accuracy"]
[fit]
epochs = {epochs}
batch_size = 16
[diagnostics]
gradient_flow = {{ every = 50 }}
dead_units = {{ probe = 100 }}
[output]
directory = "{directory}"
"""


def _write(tmp_path, name="run.toml", limit=2000, epochs=2, directory="out", text=None):
    path = tmp_path / name
    path.write_text(text if text is not None else CONFIG.format(limit=limit, epochs=epochs, directory=directory))
    return path


def _run(*arguments):
    return subprocess.run([SCRIPT, *map(str, arguments)], capture_output=True, text=True, timeout=300)


def test_train_writes_the_model_history_and_diagnostics_and_gradcheck_passes(tmp_path):
    text = CONFIG.format(limit=2000, epochs=2, directory="out").replace("[diagnostics]", (
        '[[callbacks]]\nclass_name = "ModelCheckpoint"\nconfig = { filepath = "best.keras", monitor = "val_loss" }\n'
        "[diagnostics]"))
    result = _run("train", _write(tmp_path, text=text))
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    with open(out / "history.csv") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 2 and float(rows[1]["val_accuracy"]) > 0.8
    assert {"grad_norm/dense", "dead_fraction/dense"} <= set(rows[0])
    assert (out / "diagnostics" / "gradient_flow.csv").read_text().count("\n") > 2
    for name in ("history", "gradient_flow", "dead_units"):
        assert (out / "plots" / f"{name}.png").read_bytes().startswith(b"\x89PNG")
    assert not (out / "backup").exists() and (out / "best.keras").exists()
    assert load_model(out / "model.keras").count_params() == 784 * 32 + 32 + 32 * 10 + 10
    check = _run("gradcheck", tmp_path / "run.toml", "--samples", "3")
    assert check.returncode == 0 and "All gradients agree" in check.stdout, check.stdout + check.stderr


@pytest.mark.parametrize("change, key", [
    (("[fit]\nepochs = 2", "[fit]\nepochs = \"five\""), "[fit] epochs"),
    (("dataset = \"mnist\"", "dataset = \"svhn\""), "[data] dataset"),
    (("loss = \"sparse_categorical_crossentropy\"\n", ""), "[compile] loss"),
    (("[output]", "[outputs]"), "sections"),
    (("batch_size = 16", "batch_size = 16\nshuffle = true"), "[fit]"),
    (("\"Dense\", config = { units = 32", "\"Dense\", config = { unit = 32"), "[model] layers"),
    (("[data]", "[data]\nx = \"x.npy\""), "[data]"),
    (("seed = 3", "seed = -1"), "seed"),
    (("[diagnostics]", "[[callbacks]]\nclass_name = \"LambdaCallback\"\n[diagnostics]"), "[[callbacks]]"),
    (("[diagnostics]", "[[callbacks]]\nclass_name = \"EarlyStopping\"\nconfig = { mode = \"upwards\" }\n"
                       "[diagnostics]"), "[[callbacks]] EarlyStopping"),
])
def test_each_config_error_names_its_key(change, key, tmp_path):
    text = CONFIG.format(limit=100, epochs=2, directory="out")
    old, new = change
    assert old in text
    result = _run("train", _write(tmp_path, text=text.replace(old, new)))
    assert result.returncode == 2 and key in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_ctrl_c_mid_epoch_then_resume_ends_bit_identical_to_an_uninterrupted_run(tmp_path):
    config = _write(tmp_path, limit=20000, epochs=3, directory="stopped")
    process = subprocess.Popen([SCRIPT, "train", str(config)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    backup = tmp_path / "stopped" / "backup" / "backup.lw"
    deadline = time.time() + 240
    while not backup.exists() and process.poll() is None and time.time() < deadline:
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)  # during epoch 2, after epoch 1's backup
    _, stderr = process.communicate(timeout=240)
    assert process.returncode == 130, stderr
    assert "--resume" in stderr and not (tmp_path / "stopped" / "model.keras").exists()
    assert (tmp_path / "stopped" / "backup" / "interrupted.lw").exists()
    again = _run("train", config)
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = _run("train", config, "--resume")
    assert resumed.returncode == 0, resumed.stderr
    straight = _run("train", _write(tmp_path, "straight.toml", limit=20000, epochs=3, directory="straight"))
    assert straight.returncode == 0, straight.stderr
    a, b = load_model(tmp_path / "stopped" / "model.keras"), load_model(tmp_path / "straight" / "model.keras")
    for p, q in zip(a.weights, b.weights, strict=True):
        np.testing.assert_array_equal(p.value, q.value)
    with open(tmp_path / "stopped" / "diagnostics" / "dead_units.csv") as file:  # the cut epoch left no record
        assert [row["epoch"] for row in csv.DictReader(file)] == ["0", "1", "2"]
    rows = {}
    for run in ("stopped", "straight"):
        with open(tmp_path / run / "history.csv") as file:
            rows[run] = list(csv.DictReader(file))
    assert [row["epoch"] for row in rows["stopped"]] == ["0", "1", "2"]
    # The cut epoch's running loss and accuracy were restored with it: its row is the uninterrupted one's.
    for stopped, straight in zip(rows["stopped"], rows["straight"], strict=True):
        assert [stopped[k] for k in ("loss", "accuracy", "val_loss")] == [straight[k] for k in
                                                                          ("loss", "accuracy", "val_loss")]
    assert _run("train", config, "--resume").returncode == 2  # nothing left to resume
