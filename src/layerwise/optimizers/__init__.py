"""Optimizers, as `keras.optimizers`: one per file, built per parameter list."""

from layerwise.optimizers import schedules
from layerwise.optimizers.adadelta import Adadelta
from layerwise.optimizers.adafactor import Adafactor
from layerwise.optimizers.adagrad import Adagrad
from layerwise.optimizers.adam import Adam
from layerwise.optimizers.adamax import Adamax
from layerwise.optimizers.adamw import AdamW
from layerwise.optimizers.base import Optimizer
from layerwise.optimizers.ftrl import Ftrl
from layerwise.optimizers.lamb import Lamb
from layerwise.optimizers.lion import Lion
from layerwise.optimizers.loss_scale_optimizer import LossScaleOptimizer
from layerwise.optimizers.muon import Muon
from layerwise.optimizers.nadam import Nadam
from layerwise.optimizers.rmsprop import RMSprop
from layerwise.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from layerwise.optimizers.sgd import SGD
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object as serialize

_TABLE = Registry("optimizer", module="layerwise.optimizers")
for _class in (SGD, Adagrad, RMSprop, Adam, AdamW, Adamax, Nadam, Adadelta, Lion, Lamb, Ftrl, Adafactor,
               Muon, ScheduleFreeAdamW, LossScaleOptimizer):
    _TABLE.register(_class, _class.__name__.lower())


def get(identifier) -> Optimizer:
    """Turn a name ("sgd"), a config dict or an Optimizer into an Optimizer.

    Example:
        >>> get("sgd").learning_rate
        0.01
        >>> type(get("rmsprop")).__name__
        'RMSprop'
    """
    return lookup("optimizer", identifier, _TABLE, Optimizer)


deserialize = deserializer(get, "optimizer")
deserialize.__doc__ += """

Example:
    >>> optimizer = deserialize({"class_name": "SGD", "config": {"learning_rate": 0.1, "momentum": 0.9}})
    >>> type(optimizer).__name__, optimizer.learning_rate, optimizer.momentum
    ('SGD', 0.1, 0.9)
"""
# doctest collects the examples of the functions defined in this module; `deserialize` is made in
# layerwise.utils.identifiers, so its example is listed here to run as well.
__test__ = {"deserialize": deserialize}

__all__ = ["Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "Ftrl", "Lamb", "Lion", "LossScaleOptimizer",
           "Muon", "Nadam", "Optimizer", "RMSprop", "SGD", "ScheduleFreeAdamW", "deserialize", "get", "schedules",
           "serialize"]
