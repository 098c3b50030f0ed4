"""Optimizers, as `keras.optimizers`: one per file, built per parameter list."""

from layerwise.optimizers.base import Optimizer
from layerwise.optimizers.sgd import SGD

_TABLE = {"sgd": SGD}
_CLASSES = {cls.__name__: cls for cls in _TABLE.values()}


def get(identifier) -> Optimizer:
    """Turn a name ("sgd"), a config dict or an Optimizer into an Optimizer.

    Example:
        >>> get("sgd").learning_rate
        0.01
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


__all__ = ["Optimizer", "SGD", "get", "serialize"]
