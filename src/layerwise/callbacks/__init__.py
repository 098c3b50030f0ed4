"""Callbacks, as `keras.callbacks`: one per file."""

from layerwise.callbacks.callback import Callback, CallbackList
from layerwise.callbacks.history import History
from layerwise.callbacks.progbar_logger import ProgbarLogger, ProgressBar

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "ProgressBar"]
