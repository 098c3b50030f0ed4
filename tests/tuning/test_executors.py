"""The executors run the same trials to bit-identical numbers (and layer names) in-process, on a process pool
and on a Dask LocalCluster; a Dask worker killed mid-trial loses only that attempt."""

import os
import signal
import threading
import time

import numpy as np
import pytest

import layerwise
from layerwise.layers import Dense
from layerwise.tuning.executors import Dask, InProcess, ProcessPool, get, pinned


def train_tiny_mlp(configuration, data):
    """A trial: a seeded 2-layer MLP trained for two epochs; its losses and a weight, to the last bit."""
    x, y = data
    layerwise.utils.set_random_seed(configuration["seed"])
    model = layerwise.Sequential([layerwise.Input(shape=(x.shape[1],)),
                                  Dense(configuration["units"], activation="relu"), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    return {"loss": history.history["loss"], "kernel": model.get_weights()[0].tobytes(),
            "threads": layerwise.config.threads(), "names": [layer.name for layer in model.layers]}


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(64, 5)).astype("float32"), rng.integers(0, 3, 64)


SWEEP = [{"seed": seed, "units": units} for seed in (0, 1) for units in (4, 8)]


def _by_configuration(pairs):
    return {(configuration["seed"], configuration["units"]): result for configuration, result in pairs}


def test_in_process_pool_and_local_cluster_give_bit_identical_results():
    reference = _by_configuration(InProcess().map(train_tiny_mlp, SWEEP, shared=_data()))
    assert len(reference) == 4 and len({result["kernel"] for result in reference.values()}) == 4
    assert all(result["threads"] == 1 and result["names"] == ["dense", "dense_1"] for result in reference.values())
    assert _by_configuration(ProcessPool(workers=2).map(train_tiny_mlp, SWEEP, shared=_data())) == reference
    with Dask(workers=2) as executor:
        assert executor.parallelism == 2
        assert _by_configuration(executor.map(train_tiny_mlp, SWEEP, shared=_data())) == reference
        # A running cluster, by its scheduler's address (what --scheduler ADDRESS gives).
        with Dask(scheduler=executor.cluster.scheduler_address) as connected:
            assert connected.cluster is None
            assert _by_configuration(connected.map(train_tiny_mlp, SWEEP, shared=_data())) == reference


def test_configurations_are_drawn_only_as_workers_free_up():
    drawn, seen = [], []

    def configurations():
        for number in range(5):
            # With two in flight, a configuration is drawn only after all but one of those before it were told.
            assert len(seen) >= number - 2
            drawn.append(number)
            yield number

    for configuration, result in ProcessPool(workers=2).map(abs, configurations()):
        seen.append(configuration)
    assert sorted(seen) == drawn == list(range(5))


def test_pinned_holds_threads_and_restores_them():
    before = layerwise.config.threads()
    with pinned(1):
        assert layerwise.config.threads() == 1
    assert layerwise.config.threads() == before
    assert [result for _, result in InProcess(threads=None).map(lambda _: layerwise.config.threads(), [0])] == [before]


def slow_trial(configuration):
    """Announces its process (so that the test can kill it) and sleeps when asked to; returns its number and
    the process that finished it."""
    if configuration.get("marker"):
        with open(configuration["marker"], "a") as file:
            file.write(f"{os.getpid()}\n")
        time.sleep(configuration.get("sleep", 3.0))
    return {"number": configuration["number"], "pid": os.getpid()}


def test_a_dask_worker_killed_mid_trial_loses_only_that_attempt_and_errors_reach_the_caller(tmp_path):
    marker = tmp_path / "started"
    sweep = [{"number": 0, "marker": str(marker)}] + [{"number": number} for number in range(1, 5)]
    killed = []

    def kill_the_first_worker_that_starts():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (marker.exists() and marker.read_text().strip()):
            time.sleep(0.05)
        pid = int(marker.read_text().split()[0])
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    with Dask(workers=2) as executor:
        killer = threading.Thread(target=kill_the_first_worker_that_starts)
        killer.start()
        results = {configuration["number"]: result for configuration, result in executor.map(slow_trial, sweep)}
        killer.join()
        with pytest.raises(ZeroDivisionError):  # after its retries
            list(executor.map(lambda value: 1 / value, [0]))
    assert sorted(results) == list(range(5))
    assert killed and results[0]["pid"] != killed[0]
    assert len(marker.read_text().split()) == 2  # the killed attempt, and the one that finished


def test_a_trial_that_raises_reaches_the_caller():
    with pytest.raises(ZeroDivisionError):
        list(InProcess().map(lambda value: 1 / value, [1, 0]))
    with pytest.raises(TypeError):
        list(ProcessPool(workers=1).map(abs, ["not a number"]))


def test_the_command_lines_choice_and_bad_arguments():
    assert isinstance(get(), InProcess)
    with pytest.raises(ValueError, match="a scheduler address or a number of workers, not both"):
        Dask(scheduler="tcp://127.0.0.1:1", workers=2)
    with pytest.raises(ValueError, match="workers"):
        ProcessPool(workers=0)
