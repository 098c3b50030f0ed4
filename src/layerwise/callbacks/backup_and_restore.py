"""BackupAndRestore: a killed training run, started again with the same command, resumes exactly."""

import json
import os

from layerwise.callbacks.callback import Callback
from layerwise.errors import ModelFileError
from layerwise.saving import model_file
from layerwise.utils import random as layerwise_random

_BACKUP = "backup.lw"


class BackupAndRestore(Callback):
    """Back up the whole training state after every epoch, and restore it when `fit` starts again.

    The backup is one model file (written atomically, so a kill at any moment leaves the last
    complete backup) with the weights, the optimizer state and iterations, every layer-owned random
    generator, the library's random generator (the shuffling order of the next epochs) and the
    number of completed epochs. On `on_train_begin` a backup found in ``backup_dir`` is loaded into
    the model and `fit` continues from the next epoch, so with seeds the resumed run ends with
    bit-identical weights to an uninterrupted one. A run that ends normally deletes its backup.

    Args:
        backup_dir: a directory for the backup (created if missing); one per training run.
        delete_checkpoint: delete the backup when training ends normally.

    Example:
        >>> import tempfile
        >>> BackupAndRestore(tempfile.mkdtemp()).delete_checkpoint
        True
    """

    writes_weights = False  # restores in on_train_begin, before the first step

    def __init__(self, backup_dir, delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore: backup_dir is required")
        self.backup_dir, self.delete_checkpoint = os.fspath(backup_dir), delete_checkpoint
        self.path = os.path.join(self.backup_dir, _BACKUP)

    def on_train_begin(self, logs=None):
        if os.path.exists(self.path):
            self.model.resume_epoch = read_training_state(self.model, self.path)["epoch"] + 1

    def on_epoch_end(self, epoch, logs=None):
        os.makedirs(self.backup_dir, exist_ok=True)
        write_training_state(self.model, self.path, {"epoch": epoch})

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.exists(self.path):
            os.remove(self.path)


def write_training_state(model, path, state):
    """Write, atomically, a model file of the whole training state at this moment: weights, optimizer state,
    every layer-owned generator, the library's generator (the next shuffles and dropout masks) and
    ``state`` (a JSON-ready dict saying where training is)."""
    entries = model_file.model_entries(model)
    entries["training_state.json"] = json.dumps(
        {**state, "library_generator": layerwise_random.generator().bit_generator.state}).encode()
    model_file.write_model_file(path, entries)


def read_training_state(model, path) -> dict:
    """Load what `write_training_state` wrote into ``model`` and the library's generator; return ``state``."""
    contents = model_file.read_model_file(path)
    state = contents.get("training_state")
    if not isinstance(state, dict) or not isinstance(state.get("epoch"), int):
        raise ModelFileError(f"{path}: not a training backup (no training_state.json epoch)")
    model_file.restore_state(model, contents, path)
    model_file.set_generator_state(layerwise_random.generator(), state.get("library_generator"), path)
    return state
