"""Models, as `keras.models`."""

from layerwise.models.sequential import Sequential
from layerwise.models.trainer import Trainer
from layerwise.saving import load_model

__all__ = ["Sequential", "Trainer", "load_model"]
