"""Callbacks, as `keras.callbacks`: one per file."""

from layerwise.callbacks.backup_and_restore import BackupAndRestore
from layerwise.callbacks.callback import Callback, CallbackList
from layerwise.callbacks.csv_logger import CSVLogger
from layerwise.callbacks.early_stopping import EarlyStopping
from layerwise.callbacks.history import History
from layerwise.callbacks.lambda_callback import LambdaCallback
from layerwise.callbacks.learning_rate_scheduler import LearningRateScheduler
from layerwise.callbacks.model_checkpoint import ModelCheckpoint
from layerwise.callbacks.progbar_logger import ProgbarLogger, ProgressBar
from layerwise.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from layerwise.callbacks.remote_monitor import RemoteMonitor
from layerwise.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
           "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger", "ProgressBar",
           "ReduceLROnPlateau", "RemoteMonitor", "TerminateOnNaN"]
