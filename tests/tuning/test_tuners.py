"""The tuners on a tiny problem (seconds): each one searches, writes its results and plots, resumes where it
stopped, Hyperband prunes, the best model is the refit of the best hyperparameters, and a random search on a
Dask LocalCluster reproduces the in-process one exactly."""

import csv
import json
import subprocess
import sys

import numpy as np
import optuna
import pytest

import layerwise
from layerwise.layers import Dense, Dropout
from layerwise.optimizers import SGD
from layerwise.tuning import (BayesianOptimization, Dask, GridSearch, Hyperband, ProcessPool, RandomSearch,
                              executors)


def build_model(hp):
    """Width, activation, dropout and learning rate; a second hidden layer, with its own width, when chosen."""
    layers = [layerwise.Input(shape=(2,)), Dense(hp.Int("units", 2, 16, step=2),
                                                 activation=hp.Choice("activation", ["relu", "tanh"])),
              Dropout(hp.Float("dropout", 0.0, 0.4, step=0.2))]
    if hp.Boolean("second_layer"):
        layers.append(Dense(hp.Int("second_units", 2, 8, step=2), activation="relu"))
    model = layerwise.Sequential(layers + [Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(hp.Float("learning_rate", 1e-2, 1.0, sampling="log")),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def build_small_grid(hp):
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(hp.Int("units", 2, 6, step=2), activation="relu"),
                                  Dense(3, activation="softmax")])
    model.compile(optimizer=SGD(hp.Choice("learning_rate", [0.1, 0.5])), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def blobs():
    """Three Gaussian blobs in the plane: 90 training and 60 validation points."""
    rng = np.random.default_rng(0)
    centers = np.array([[0.0, 2.0], [2.0, -1.0], [-2.0, -1.0]], dtype="float32")
    y = rng.integers(0, 3, 150)
    x = (centers[y] + rng.normal(scale=0.8, size=(150, 2))).astype("float32")
    return (x[:90], y[:90]), (x[90:], y[90:])


def _search(tuner, blobs, **kwargs):
    (x, y), validation = blobs
    return tuner.search(x, y, validation_data=validation, batch_size=16, verbose=0, **kwargs)


def _numbers(tuner):
    """Each trial's number, state, value, epochs, seed and hyperparameters: everything but its time."""
    return [{key: value for key, value in row.items() if key != "seconds"} for row in tuner.results()]


@pytest.mark.parametrize("make, epochs", [
    (lambda directory: RandomSearch(build_model, max_trials=4, directory=directory), 2),
    (lambda directory: GridSearch(build_small_grid, directory=directory), 2),
    (lambda directory: BayesianOptimization(build_model, max_trials=4, num_initial_points=2, directory=directory),
     2),
    (lambda directory: Hyperband(build_model, max_epochs=3, max_trials=4, directory=directory), None),
], ids=["random", "grid", "bayesian", "hyperband"])
def test_each_tuner_searches_and_reports(make, epochs, blobs, tmp_path, capsys):
    tuner = _search(make(tmp_path), blobs, epochs=epochs)
    rows = tuner.results()
    assert len(rows) == (6 if isinstance(tuner, GridSearch) else 4)
    assert [row["trial"] for row in rows] == list(range(len(rows)))
    assert all(row["state"] in ("complete", "pruned") and 0 <= row["value"] <= 1 for row in rows)
    best = tuner.get_best_trials(1)[0]
    assert best.value == max(row["value"] for row in rows if row["state"] == "complete")
    assert tuner.get_best_hyperparameters(1)[0].values == best.params
    with open(tmp_path / "untitled_project" / "results.csv") as file:
        assert [int(row["trial"]) for row in csv.DictReader(file)] == [row["trial"] for row in rows]
    saved = json.loads((tmp_path / "untitled_project" / "results.json").read_text())
    assert saved["objective"] == "val_accuracy" and saved["trials"] == json.loads(json.dumps(rows))
    tuner.results_summary(2)
    printed = capsys.readouterr().out
    assert f"Trial {best.number:04d} summary" in printed and f"Score: {best.value}" in printed
    assert all(path.stat().st_size > 0 for path in tuner.plot())


def test_a_grid_search_visits_every_point_once(blobs, tmp_path):
    tuner = _search(GridSearch(build_small_grid, directory=tmp_path), blobs, epochs=1)
    visited = {(row["units"], row["learning_rate"]) for row in tuner.results()}
    assert visited == {(units, rate) for units in (2, 4, 6) for rate in (0.1, 0.5)}


def test_a_grid_search_resumes_with_the_points_not_yet_visited(blobs, tmp_path):
    first = _search(GridSearch(build_small_grid, max_trials=4, directory=tmp_path), blobs, epochs=1).results()
    rows = _search(GridSearch(build_small_grid, directory=tmp_path), blobs, epochs=1).results()
    assert len(first) == 4 and rows[:4] == first and len(rows) == 6
    assert len({(row["units"], row["learning_rate"]) for row in rows}) == 6


def test_the_best_model_is_the_refit_of_the_best_hyperparameters(blobs, tmp_path):
    tuner = _search(RandomSearch(build_model, max_trials=3, seed=5, directory=tmp_path), blobs, epochs=2)
    best, hp = tuner.get_best_trials(1)[0], tuner.get_best_hyperparameters(1)[0]
    layerwise.utils.set_random_seed(5 + best.number)
    refit = build_model(hp)
    (x, y), validation = blobs
    history = refit.fit(x, y, validation_data=validation, batch_size=16, epochs=2, verbose=0)
    assert history.history["val_accuracy"][-1] == best.value
    for kept, again in zip(tuner.get_best_models(1)[0].get_weights(), refit.get_weights()):
        np.testing.assert_array_equal(kept, again)


def test_a_search_resumes_without_redoing_finished_trials(blobs, tmp_path):
    first = _numbers(_search(RandomSearch(build_model, max_trials=3, directory=tmp_path), blobs, epochs=1))
    seconds = [row["seconds"] for row in RandomSearch(build_model, directory=tmp_path).results()]
    # An interrupted search leaves a trial running: asked, never told.
    storage = f"sqlite:///{tmp_path / 'untitled_project' / 'study.db'}"
    optuna.load_study(study_name="untitled_project", storage=storage).ask()
    tuner = _search(RandomSearch(build_model, max_trials=5, directory=tmp_path), blobs, epochs=1)
    rows = tuner.results()
    assert _numbers(tuner)[:3] == first and [row["seconds"] for row in rows[:3]] == seconds
    assert [row["state"] for row in rows] == ["complete"] * 3 + ["fail"] + ["complete"] * 2
    assert _search(RandomSearch(build_model, max_trials=5, directory=tmp_path), blobs, epochs=1).results() == rows
    fresh = _search(RandomSearch(build_model, max_trials=1, directory=tmp_path, overwrite=True), blobs, epochs=1)
    assert len(fresh.results()) == 1


def test_hyperband_stops_the_trials_that_fall_behind(blobs, tmp_path):
    tuner = _search(Hyperband(build_model, max_epochs=9, max_trials=12, directory=tmp_path), blobs)
    rows = tuner.results()
    pruned = [row for row in rows if row["state"] == "pruned"]
    assert pruned and all(row["epochs"] < 9 for row in pruned)
    assert all(row["epochs"] == 9 for row in rows if row["state"] == "complete")
    assert sum(row["epochs"] for row in rows) < 9 * len(rows)


def test_hyperband_prunes_trials_running_in_other_processes(blobs, tmp_path):
    tuner = _search(Hyperband(build_model, max_epochs=9, max_trials=8, directory=tmp_path,
                              executor=ProcessPool(workers=2)), blobs)
    assert any(row["state"] == "pruned" for row in tuner.results())


def test_a_random_search_on_a_local_cluster_reproduces_the_in_process_one(blobs, tmp_path):
    reference = _search(RandomSearch(build_model, max_trials=20, directory=tmp_path / "here"), blobs, epochs=2)
    with Dask(workers=2) as executor:
        remote = _search(RandomSearch(build_model, max_trials=20, directory=tmp_path / "cluster", executor=executor),
                         blobs, epochs=2)
        assert _numbers(remote) == _numbers(reference)
    assert len({row["value"] for row in _numbers(reference)}) > 1


def test_bad_searches_fail_with_clear_errors(blobs, tmp_path):
    (x, y), validation = blobs
    with pytest.raises(ValueError, match="'val_accuracy' is not among epoch 1's logs .*pass validation_data"):
        RandomSearch(build_model, max_trials=1, directory=tmp_path).search(x, y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="each trial trains up to max_epochs=3; received epochs=5"):
        Hyperband(build_model, max_epochs=3, directory=tmp_path).search(x, y, epochs=5, validation_data=validation)
    with pytest.raises(ValueError, match="max_trials must be a positive integer, received 0"):
        RandomSearch(build_model, max_trials=0)
    with pytest.raises(TypeError, match="build_model must be a function of hp"):
        RandomSearch("model")
    with pytest.raises(ValueError, match="pruner must be None, 'hyperband'"):
        _search(RandomSearch(build_model, max_trials=1, directory=tmp_path, project_name="p", pruner="median"),
                blobs, epochs=1)
    with pytest.raises(ValueError, match="the study 'untitled_project' maximizes; this search would minimize"):
        _search(RandomSearch(build_model, objective="val_loss", max_trials=2, directory=tmp_path), blobs, epochs=1)


def test_importing_the_tuners_imports_neither_optuna_nor_dask():
    code = ("import sys, layerwise.tuning; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('optuna', 'dask', 'distributed')))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "[]"
    assert isinstance(executors.get(), executors.InProcess)
