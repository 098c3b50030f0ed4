"""ModelCheckpoint: file patterns, best-only saving in both modes, weights-only files."""

import sys
from pathlib import Path

import numpy as np
import pytest

import layerwise
from layerwise.callbacks import Callback, ModelCheckpoint
from layerwise.models import load_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "saving"))
from saving_helpers import tiny_data, tiny_model  # noqa: E402


class _ScriptedLogs(Callback):
    """Replaces the epoch's val_loss with scripted values, so best-only decisions are known."""

    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]


def _fit(callbacks, epochs=4):
    model = tiny_model(train=False)
    x, y = tiny_data()
    model.fit(x, y, epochs=epochs, batch_size=8, validation_data=(x, y), verbose=0, callbacks=callbacks)
    return model


def test_pattern_with_epoch_and_metric_fields(tmp_path):
    _fit([_ScriptedLogs([0.5, 0.25, 0.125, 1.0]),
          ModelCheckpoint(tmp_path / "ckpt" / "m-{epoch:02d}-{val_loss:.2f}.lw", monitor="val_loss")])
    assert sorted(p.name for p in (tmp_path / "ckpt").iterdir()) == [
        "m-01-0.50.lw", "m-02-0.25.lw", "m-03-0.12.lw", "m-04-1.00.lw"]
    assert load_model(tmp_path / "ckpt" / "m-02-0.25.lw").optimizer.iterations == 6


@pytest.mark.parametrize("mode, values, saved_epochs", [
    ("min", [0.5, 0.7, 0.25, 0.3], [1, 3]),
    ("max", [0.5, 0.7, 0.25, 0.9], [1, 2, 4]),
])
def test_save_best_only_keeps_improvements(tmp_path, mode, values, saved_epochs):
    class Record(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if (tmp_path / "best.lw").exists():
                saved.append(load_model(tmp_path / "best.lw").optimizer.iterations // 3)
    saved = []
    checkpoint = ModelCheckpoint(tmp_path / "best.lw", monitor="val_loss", save_best_only=True, mode=mode)
    _fit([_ScriptedLogs(values), checkpoint, Record()])
    assert sorted(set(saved)) == saved_epochs
    assert checkpoint.best == (min(values) if mode == "min" else max(values))


def test_auto_mode_and_bad_mode():
    assert ModelCheckpoint("m.lw", monitor="val_accuracy").mode == "max"
    assert ModelCheckpoint("m.lw", monitor="val_loss").mode == "min"
    with pytest.raises(ValueError, match="mode must be"):
        ModelCheckpoint("m.lw", mode="best")


def test_weights_only_files_load_into_the_model(tmp_path):
    model = _fit([ModelCheckpoint(tmp_path / "w.safetensors", save_weights_only=True)], epochs=2)
    layerwise.layers.base.clear_session()
    fresh = tiny_model(train=False)
    fresh.load_weights(tmp_path / "w.safetensors")
    for p, q in zip(model.weights, fresh.weights):
        np.testing.assert_array_equal(p.value, q.value)


def test_missing_monitor_warns_and_unknown_field_names_the_logs(tmp_path):
    with pytest.warns(UserWarning, match="'val_auc' is not in the logs"):
        _fit([ModelCheckpoint(tmp_path / "m.lw", monitor="val_auc", save_best_only=True)], epochs=1)
    assert not (tmp_path / "m.lw").exists()
    with pytest.raises(KeyError, match="refers to 'val_f1'"):
        _fit([ModelCheckpoint(tmp_path / "m-{val_f1}.lw")], epochs=1)
