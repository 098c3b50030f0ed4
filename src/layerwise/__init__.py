"""layerwise: deep networks in plain NumPy, with every gradient readable, in Keras's workflow.

Example:
    >>> import layerwise
    >>> from layerwise.layers import Dense
    >>> model = layerwise.Sequential([layerwise.Input(shape=(4,)), Dense(2, activation="softmax")])
    >>> model.compile(optimizer="sgd", loss="categorical_crossentropy")
"""

from layerwise import (activations, applications, backend, callbacks, config, constraints, data, datasets, errors,
                       export, initializers, layers, losses, metrics, models, optimizers, pretraining, regularizers,
                       saving, testing, tuning, utils)
from layerwise._version import __version__
from layerwise.layers import Input
from layerwise.models import Model, Sequential

__all__ = [
    "Input", "Model", "Sequential", "activations", "applications", "backend", "callbacks", "config", "constraints",
    "data", "datasets", "errors", "export", "initializers", "layers", "losses", "metrics", "models",
    "optimizers", "pretraining", "regularizers", "saving", "testing", "tuning", "utils",
    "__version__",
]
