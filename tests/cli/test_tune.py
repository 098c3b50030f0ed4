"""`layerwise tune CONFIG.toml`: a random search of a build_model file on .npy arrays, the same numbers on a
Dask LocalCluster of two workers, continued when run again, and configuration errors that name their key."""

import json

import numpy as np
import pytest

from layerwise.cli import main

BUILD = '''
import layerwise
from layerwise.layers import Dense
from layerwise.optimizers import SGD


def build_model(hp):
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(hp.Int("units", 2, 8, step=2), activation="relu"),
                                  Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(hp.Float("learning_rate", 0.01, 1.0, sampling="log")),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''

CONFIG = '''
seed = 4
[tuner]
kind = "{kind}"
max_trials = {trials}
{extra}
[model]
build = "search.py:build_model"
[data]
x = "x.npy"
y = "y.npy"
validation_split = 0.25
[fit]
{fit}
batch_size = 16
[output]
directory = "out"
'''


def _write(tmp_path, name="search.toml", kind="random", trials=4, extra="", fit="epochs = 2"):
    (tmp_path / "search.py").write_text(BUILD)
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 80)
    np.save(tmp_path / "x.npy", (np.eye(3)[y][:, :2] + rng.normal(scale=0.3, size=(80, 2))).astype("float32"))
    np.save(tmp_path / "y.npy", y)
    path = tmp_path / name
    path.write_text(CONFIG.format(kind=kind, trials=trials, extra=extra, fit=fit))
    return path


def _trials(tmp_path, project):
    return [{key: value for key, value in trial.items() if key != "seconds"}
            for trial in json.loads((tmp_path / "out" / project / "results.json").read_text())["trials"]]


def test_a_search_runs_in_process_and_on_a_local_cluster_to_the_same_numbers(tmp_path, capsys):
    assert main(["tune", str(_write(tmp_path, "here.toml"))]) == 0
    printed = capsys.readouterr().out
    assert "Results summary" in printed and "Score:" in printed and "results.csv" in printed
    assert (tmp_path / "out" / "here" / "optimization_history.png").exists()
    assert main(["tune", str(_write(tmp_path, "cluster.toml")), "--workers", "2"]) == 0
    here = _trials(tmp_path, "here")
    assert len(here) == 4 and here == _trials(tmp_path, "cluster")
    _write(tmp_path, "here.toml", trials=6)
    assert main(["tune", str(tmp_path / "here.toml")]) == 0
    assert _trials(tmp_path, "here")[:4] == here and len(_trials(tmp_path, "here")) == 6


def test_a_hyperband_search_from_the_command_line(tmp_path):
    path = _write(tmp_path, kind="hyperband", trials=6, extra="max_epochs = 4\nfactor = 2", fit="")
    assert main(["tune", str(path)]) == 0
    trials = _trials(tmp_path, "search")
    assert len(trials) == 6 and all(trial["epochs"] <= 4 for trial in trials)


@pytest.mark.parametrize("change, message", [
    ({"kind": "annealing"}, "[tuner] kind: expected one of ['random', 'grid', 'bayesian', 'hyperband'], "
                            "received 'annealing'"),
    ({"trials": 0}, "[tuner] max_trials: expected a positive integer, received 0"),
    ({"extra": "max_epochs = 3"}, "[tuner] max_epochs: expected no value: it belongs to kind = 'hyperband'"),
    ({"kind": "hyperband", "extra": "max_epochs = 3"}, "[fit] epochs: expected no value: hyperband trains up to"),
    ({"extra": "pruner = 'median'"}, "[tuner] pruner: expected one of ['hyperband', 'successive_halving']"),
    ({"extra": "objective = { name = 'val_f1' }"}, "[tuner] objective: expected a log's name, or"),
    ({"fit": ""}, "[fit] epochs: expected a positive integer, received None"),
    ({"extra": "trials = 3"}, "[tuner]: expected keys among"),
])
def test_a_bad_search_file_names_the_key(tmp_path, capsys, change, message):
    path = _write(tmp_path, **change)
    assert main(["tune", str(path)]) == 2
    error = capsys.readouterr().err
    assert f"layerwise tune: {path}: " in error and message in error


def test_a_build_that_cannot_be_loaded_is_a_config_error(tmp_path, capsys):
    path = _write(tmp_path)
    path.write_text(path.read_text().replace("search.py:build_model", "search.py:build"))
    assert main(["tune", str(path)]) == 2
    assert "[model] build: cannot load build from search.py" in capsys.readouterr().err
    path.write_text(path.read_text().replace("search.py:build", "no_such_module:build"))
    assert main(["tune", str(path)]) == 2
    assert "No module named 'no_such_module'" in capsys.readouterr().err


def test_a_bad_worker_count_is_refused(tmp_path, capsys):
    assert main(["tune", str(_write(tmp_path)), "--workers", "0"]) == 2
    assert "layerwise tune: Dask: workers must be a positive integer or None, received 0" in capsys.readouterr().err
