"""The training callbacks: early stopping with exact weight restoring, learning-rate control, CSV logs,
NaN termination and lambda hooks."""

import csv

import numpy as np
import pytest

import layerwise
from layerwise import callbacks
from layerwise.errors import DivergenceError
from layerwise.layers import Dense


def make_data(rng, n=96):
    x = rng.normal(size=(n, 5)).astype("float32")
    y = np.eye(3)[np.argmax(x[:, :3] + 0.5 * rng.normal(size=(n, 3)), axis=1)]
    return x, y


def make_model(optimizer=None):
    model = layerwise.Sequential([layerwise.Input(shape=(5,)), Dense(16, activation="relu"),
                                  Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer or layerwise.optimizers.SGD(0.5), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def test_early_stopping_restores_the_best_epoch_exactly(rng):
    x, y = make_data(rng)
    x_val, y_val = make_data(np.random.default_rng(9), 24)
    model = make_model(layerwise.optimizers.SGD(1.5))
    snapshots = []
    recorder = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    stopper = callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = model.fit(x, y, epochs=60, batch_size=8, validation_data=(x_val, y_val), verbose=0,
                        callbacks=[recorder, stopper])
    losses = history.history["val_loss"]
    best = int(np.argmin(losses))
    assert stopper.stopped_epoch == len(losses) - 1 < 59, "training overfits and stops early"
    assert len(losses) - 1 - best == 3 and stopper.best_epoch == best and stopper.best == losses[best]
    for restored, saved in zip(model.get_weights(), snapshots[best]):
        np.testing.assert_array_equal(restored, saved)
    assert not all(np.array_equal(a, b) for a, b in zip(snapshots[-1], snapshots[best]))
    assert model.evaluate(x_val, y_val, verbose=0)[0] == pytest.approx(losses[best], rel=1e-6)


def fake_training(callback, values, monitor="val_loss"):
    """Drive a callback's epoch hooks with given monitored values; return the epochs that ran."""
    model = make_model()
    model.build((None, 5))
    callback.set_model(model)
    model.stop_training = False
    callback.on_train_begin()
    ran = []
    for epoch, value in enumerate(values):
        logs = {monitor: value}
        callback.on_epoch_end(epoch, logs)
        ran.append(logs)
        if model.stop_training:
            break
    callback.on_train_end()
    return ran


def test_early_stopping_patience_min_delta_mode_baseline_start():
    assert len(fake_training(callbacks.EarlyStopping(patience=2), [5, 4, 4.5, 4.2, 3, 2])) == 4
    assert len(fake_training(callbacks.EarlyStopping(patience=1, min_delta=0.5), [5, 4.8, 4.6, 1])) == 2
    accuracy = callbacks.EarlyStopping(monitor="val_accuracy", patience=1)
    assert accuracy.mode == "max"
    assert len(fake_training(accuracy, [0.5, 0.6, 0.55, 0.9], "val_accuracy")) == 3
    # the wait restarts only when the baseline is beaten too
    assert len(fake_training(callbacks.EarlyStopping(patience=2), [5, 5, 5, 5])) == 3
    assert len(fake_training(callbacks.EarlyStopping(patience=2, baseline=1.0), [5, 5, 5, 5])) == 2
    assert len(fake_training(callbacks.EarlyStopping(patience=1, start_from_epoch=3), [1, 2, 3, 4, 5, 6])) == 5
    stopper = callbacks.EarlyStopping(patience=0)
    fake_training(stopper, [1, 2])
    assert stopper.stopped_epoch == 1
    fake_training(stopper, [3, 2, 1])
    assert stopper.stopped_epoch == 0 and stopper.best == 1, "state is reset by on_train_begin"


def test_learning_rate_scheduler_sets_rate_each_epoch(rng):
    x, y = make_data(rng)
    model = make_model(layerwise.optimizers.SGD(0.1))
    seen = []
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch == 0 else lr * 0.5),
        callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(model.optimizer.learning_rate))])
    assert seen == pytest.approx([0.1, 0.05, 0.025, 0.0125])
    assert history.history["learning_rate"] == pytest.approx(seen)
    model.fit(x, y, epochs=2, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda epoch: 0.3)])
    assert model.optimizer.learning_rate == 0.3
    scheduled = make_model(layerwise.optimizers.SGD(layerwise.optimizers.schedules.ExponentialDecay(0.1, 5, 0.5)))
    with pytest.raises(TypeError, match="schedule"):
        scheduled.fit(x, y, epochs=1, verbose=0, callbacks=[callbacks.LearningRateScheduler(lambda e: 0.1)])


def test_reduce_lr_on_plateau_with_cooldown_and_floor():
    reducer = callbacks.ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.3)
    logs = fake_training(reducer, [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0])
    assert [entry["learning_rate"] for entry in logs] == pytest.approx([0.5, 0.5, 0.5, 0.3, 0.3, 0.3, 0.3, 0.3])
    assert reducer.model.optimizer.learning_rate == pytest.approx(0.3)
    improving = callbacks.ReduceLROnPlateau(factor=0.5, patience=1)
    fake_training(improving, [5, 4, 3, 2])
    assert improving.model.optimizer.learning_rate == 0.5
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.0)


def test_csv_logger_writes_one_row_per_epoch_and_appends(rng, tmp_path):
    x, y = make_data(rng)
    path = tmp_path / "log.csv"
    model = make_model()
    history = model.fit(x, y, epochs=3, validation_split=0.25, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    rows = list(csv.DictReader(path.open()))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert set(rows[0]) == {"epoch", "loss", "accuracy", "val_loss", "val_accuracy"}
    np.testing.assert_allclose([float(row["val_loss"]) for row in rows], history.history["val_loss"], rtol=1e-12)
    model.fit(x, y, epochs=2, verbose=0, validation_split=0.25, callbacks=[callbacks.CSVLogger(path, append=True)])
    lines = path.read_text().splitlines()
    assert len(lines) == 6 and lines.count(lines[0]) == 1


def poison_weights_at(model, step):
    def poison(batch, logs):
        if batch == step:
            model.layers[0].kernel.value[0, 0] = np.nan
    return callbacks.LambdaCallback(on_train_batch_begin=poison)


def test_terminate_on_nan_stops_gracefully(rng):
    x, y = make_data(rng)
    model = make_model()
    batches = []
    terminator = callbacks.TerminateOnNaN()
    history = model.fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[
        poison_weights_at(model, 2), terminator,
        callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))])
    assert terminator.terminated and batches == [0, 1, 2]
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])
    model = make_model()
    with pytest.raises(DivergenceError, match="epoch 1, batch 3"):
        model.fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[poison_weights_at(model, 2)])


def test_lambda_callback_hooks_and_aliases():
    calls = []
    callback = callbacks.LambdaCallback(on_train_begin=lambda logs: calls.append("begin"),
                                        on_batch_end=lambda batch, logs: calls.append(batch))
    callback.on_train_begin()
    callback.on_train_batch_end(7)
    assert calls == ["begin", 7]
    with pytest.raises(ValueError, match="on_epoch_ending"):
        callbacks.LambdaCallback(on_epoch_ending=print)


def test_progress_lines_leave_per_layer_keys_to_the_history():
    from layerwise.callbacks.progbar_logger import format_logs

    assert format_logs({"loss": 0.5, "grad_norm/dense": 1.0, "val_loss": 0.25}) == "loss: 0.5000 - val_loss: 0.2500"
