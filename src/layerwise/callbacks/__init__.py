"""Callbacks, as `keras.callbacks`: one per file."""

from layerwise.callbacks.backup_and_restore import BackupAndRestore
from layerwise.callbacks.callback import Callback, CallbackList
from layerwise.callbacks.history import History
from layerwise.callbacks.model_checkpoint import ModelCheckpoint
from layerwise.callbacks.progbar_logger import ProgbarLogger, ProgressBar

__all__ = ["BackupAndRestore", "Callback", "CallbackList", "History", "ModelCheckpoint", "ProgbarLogger",
           "ProgressBar"]
