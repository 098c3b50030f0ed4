"""BackupAndRestore: an interrupted run, started again, ends bit-identical to an uninterrupted one."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

import layerwise
from layerwise.callbacks import BackupAndRestore, Callback
from layerwise.saving import safetensors

SRC = str(Path(__file__).resolve().parents[2] / "src")

# The training script run as a subprocess; the same command resumes from its backup. It prints
# "begin N" / "end N" around each epoch (after the backup of that epoch is written).
SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import layerwise
    from layerwise.callbacks import BackupAndRestore, Callback
    from layerwise.layers import Dense

    class Announce(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            print("begin", epoch, flush=True)
        def on_epoch_end(self, epoch, logs=None):
            print("end", epoch, flush=True)

    layerwise.utils.set_random_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3000, 32)).astype("float32")
    y = np.eye(4, dtype="float32")[rng.integers(0, 4, 3000)]
    model = layerwise.Sequential([layerwise.Input(shape=(32,)), Dense(128, activation="relu"),
                                  Dense(4, activation="softmax")])
    model.compile(optimizer=layerwise.optimizers.SGD(0.05, momentum=0.9), loss="categorical_crossentropy")
    model.fit(x, y, epochs=6, batch_size=16, verbose=0,
              callbacks=[BackupAndRestore(sys.argv[1]), Announce()])
    model.save_weights(sys.argv[2])
""")


def _run(backup_dir, out, kill_after_epoch=None):
    """Run the script; optionally SIGKILL it once it reports the end of ``kill_after_epoch``."""
    child = subprocess.Popen([sys.executable, "-c", SCRIPT, str(backup_dir), str(out)],
                             stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": SRC})
    lines = []
    for line in child.stdout:
        lines.append(line.split())
        if kill_after_epoch is not None and lines[-1] == ["end", str(kill_after_epoch)]:
            child.send_signal(signal.SIGKILL)
            break
    child.wait()
    child.stdout.close()
    return child.returncode, lines


def test_run_killed_mid_way_resumes_and_ends_with_identical_weights(tmp_path):
    code, _ = _run(tmp_path / "straight", tmp_path / "straight.safetensors")
    assert code == 0 and not (tmp_path / "straight" / "backup.lw").exists()

    code, lines = _run(tmp_path / "resumed", tmp_path / "resumed.safetensors", kill_after_epoch=2)
    assert code == -signal.SIGKILL and not (tmp_path / "resumed.safetensors").exists()
    code, lines = _run(tmp_path / "resumed", tmp_path / "resumed.safetensors")
    assert code == 0 and lines[0][0] == "begin" and int(lines[0][1]) >= 3, lines[:2]

    straight = safetensors.load_file(tmp_path / "straight.safetensors")
    resumed = safetensors.load_file(tmp_path / "resumed.safetensors")
    assert straight.keys() == resumed.keys()
    for name in straight:
        np.testing.assert_array_equal(resumed[name], straight[name])


class _Crash(Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise KeyboardInterrupt


def _train(backup_dir, callbacks=()):
    from layerwise.layers import Dense
    layerwise.utils.set_random_seed(3)
    layerwise.layers.base.clear_session()
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 3)).astype("float32"), rng.normal(size=(40, 2)).astype("float32")
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, activation="tanh"), Dense(2)])
    model.compile(optimizer=layerwise.optimizers.SGD(0.05, momentum=0.5), loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0,
                        callbacks=[BackupAndRestore(backup_dir), *callbacks])
    return model, history


def test_interrupted_in_process_run_resumes_at_the_next_epoch(tmp_path):
    straight, _ = _train(tmp_path / "a")
    with pytest.raises(KeyboardInterrupt):
        _train(tmp_path / "b", [_Crash(at_epoch=3)])
    assert (tmp_path / "b" / "backup.lw").exists()
    resumed, history = _train(tmp_path / "b")
    assert history.epoch == [3, 4] and resumed.optimizer.iterations == straight.optimizer.iterations
    for p, q in zip(straight.weights, resumed.weights):
        np.testing.assert_array_equal(p.value, q.value)
    assert not (tmp_path / "b" / "backup.lw").exists()


def test_a_callback_resumes_fit_through_the_public_resume_epoch():
    # What BackupAndRestore does, through the model's public attribute, with no backup file.
    class ResumeAtTwo(Callback):
        def on_train_begin(self, logs=None):
            self.model.resume_epoch = 2

    model = layerwise.Sequential([layerwise.Input(shape=(2,)), layerwise.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    data = np.ones((4, 2), "float32"), np.ones((4, 1), "float32")
    epochs = []
    history = model.fit(*data, epochs=4, verbose=0, callbacks=[ResumeAtTwo(), layerwise.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: epochs.append(epoch))])
    assert epochs == [2, 3] and len(history.history["loss"]) == 2
    assert model.resume_epoch is None  # read once: the next fit starts where it is told
    model.fit(*data, epochs=1, verbose=0, callbacks=[layerwise.callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: epochs.append(epoch))])
    assert epochs == [2, 3, 0]


def test_a_checkpoint_inside_an_epoch_resumes_bit_identically(tmp_path):
    from layerwise.callbacks.backup_and_restore import read_training_state, write_training_state

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 5)).astype("float32"), rng.integers(0, 3, 64)

    def model():
        layerwise.utils.set_random_seed(4)
        net = layerwise.Sequential([layerwise.Input(shape=(5,)), layerwise.layers.Dense(8, activation="relu", name="a"),
                                    layerwise.layers.Dropout(0.3), layerwise.layers.Dense(3, activation="softmax",
                                                                                          name="b")])
        net.compile(optimizer=layerwise.optimizers.SGD(0.1, momentum=0.9), loss="sparse_categorical_crossentropy",
                    metrics=["accuracy"])
        return net

    class Cut(Exception):
        pass

    straight = model()
    history = straight.fit(x, y, epochs=3, batch_size=8, verbose=0)

    class Checkpoint(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == 1 and batch == 2:
                write_training_state(self.model, tmp_path / "cut.lw", self.model.fit_position())
                raise Cut

    cut = model()
    with pytest.raises(Cut):
        cut.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[Checkpoint()])
    resumed = model()

    class Resume(Callback):
        def on_train_begin(self, logs=None):
            self.model.resume_position = read_training_state(self.model, tmp_path / "cut.lw")

    rest = resumed.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[Resume()])
    for p, q in zip(resumed.weights, straight.weights, strict=True):
        np.testing.assert_array_equal(p.value, q.value)
    assert rest.history["loss"] == history.history["loss"][1:]
    assert rest.history["accuracy"] == history.history["accuracy"][1:]
