"""Models, as `keras.models`."""

from layerwise.models import _calibration
from layerwise.models.cloning import clone_model
from layerwise.models.functional import Functional
from layerwise.models.model import Model
from layerwise.models.model_json import model_from_json
from layerwise.models.perceptron import Perceptron
from layerwise.models.sequential import Sequential
from layerwise.models.trainer import Trainer
from layerwise.ops import _lanes
from layerwise.saving import load_model, save_model

__all__ = ["Functional", "Model", "Perceptron", "Sequential", "Trainer", "clone_model", "load_model", "model_from_json",
           "save_model"]

# The calibrator decides, once per machine, how model passes use the cores (`layerwise.config.calibrate`).
_lanes.set_calibrator(_calibration.calibrate)
