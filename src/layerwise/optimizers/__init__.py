"""Optimizers, as `keras.optimizers`: one per file, built per parameter list."""

from layerwise.optimizers import schedules
from layerwise.optimizers.adadelta import Adadelta
from layerwise.optimizers.adagrad import Adagrad
from layerwise.optimizers.adam import Adam
from layerwise.optimizers.adamax import Adamax
from layerwise.optimizers.adamw import AdamW
from layerwise.optimizers.base import Optimizer
from layerwise.optimizers.nadam import Nadam
from layerwise.optimizers.rmsprop import RMSprop
from layerwise.optimizers.sgd import SGD

_TABLE = {"sgd": SGD, "adagrad": Adagrad, "rmsprop": RMSprop, "adam": Adam, "adamw": AdamW,
          "adamax": Adamax, "nadam": Nadam, "adadelta": Adadelta}
_CLASSES = {cls.__name__: cls for cls in _TABLE.values()}


def get(identifier) -> Optimizer:
    """Turn a name ("sgd"), a config dict or an Optimizer into an Optimizer.

    Example:
        >>> get("sgd").learning_rate
        0.01
        >>> type(get("rmsprop")).__name__
        'RMSprop'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str) and identifier.lower() in _TABLE:
        return _TABLE[identifier.lower()]()
    if isinstance(identifier, dict) and identifier.get("class_name") in _CLASSES:
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    raise ValueError(f"Unknown optimizer {identifier!r}; known: {sorted(_TABLE)}")


def serialize(optimizer: Optimizer) -> dict:
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


__all__ = ["Adadelta", "Adagrad", "Adam", "AdamW", "Adamax", "Nadam", "Optimizer", "RMSprop", "SGD", "get",
           "schedules", "serialize"]
