"""Losses with Keras's names, formulas and defaults, each with its gradient dJ/dy_pred.

Every loss reduces as Keras's default "sum_over_batch_size" does: a per-sample value l_n is computed
along the last axis (the classes or output units), and J = (1/M) sum_n l_n over the M rows of the
batch. `Loss.gradient` returns dJ/dy_pred for that J, so the 1/M of the mini-batch mean is already in it.

Fused gradients (lecture 003: "when using softmax output layer, choose cross entropy"). A softmax output
followed by categorical cross-entropy has dJ/dz = (p - y) / M with respect to the softmax's input z, and a
sigmoid output followed by binary cross-entropy has dJ/dz = (p - y) / (M d). These are exact and stable
where the chain rule through log p and then softmax' is neither. `Loss.fused_gradient` offers them only
for those explicit pairs; the models use it when, and only when, the output layer's activation is the
matching one (see `fuses_with`).

References:
    Lecture 003 (square error vs cross-entropy, softmax output); Keras's losses module.
"""

import numpy as np

from layerwise.losses.base import Loss
from layerwise.losses.hinge import CategoricalHinge, Hinge, SquaredHinge
from layerwise.losses.metric_learning import Circle, circle
from layerwise.losses.probabilistic import (BinaryCrossentropy, BinaryFocalCrossentropy, CategoricalCrossentropy,
                                            CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy,
                                            KLDivergence, Poisson, SparseCategoricalCrossentropy)
from layerwise.losses.regression import (CosineSimilarity, Huber, LogCosh, MeanAbsoluteError,
                                         MeanAbsolutePercentageError, MeanSquaredError, MeanSquaredLogarithmicError)
from layerwise.losses.segmentation import Dice, Tversky
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object as serialize


_TABLE = Registry("loss", module="layerwise.losses")
_CLASS_OF = {}  # Keras's loss function -> its class


def _per_sample(cls, name):
    """Keras's function ``name`` of a loss class: the per-sample losses; the class is registered under ``name``."""
    def loss_function(y_true, y_pred):
        return cls().call(np.asarray(y_true), np.asarray(y_pred))

    loss_function.__name__ = loss_function.__qualname__ = name
    loss_function.__doc__ = f"Per-sample losses of `{cls.__name__}` (as Keras's function of that name)."
    _TABLE.register(cls, name)
    _CLASS_OF[loss_function] = cls
    return loss_function


mean_squared_error = _per_sample(MeanSquaredError, "mean_squared_error")
mean_absolute_error = _per_sample(MeanAbsoluteError, "mean_absolute_error")
mean_absolute_percentage_error = _per_sample(MeanAbsolutePercentageError, "mean_absolute_percentage_error")
mean_squared_logarithmic_error = _per_sample(MeanSquaredLogarithmicError, "mean_squared_logarithmic_error")
huber = _per_sample(Huber, "huber")
log_cosh = _per_sample(LogCosh, "log_cosh")
cosine_similarity = _per_sample(CosineSimilarity, "cosine_similarity")
binary_crossentropy = _per_sample(BinaryCrossentropy, "binary_crossentropy")
binary_focal_crossentropy = _per_sample(BinaryFocalCrossentropy, "binary_focal_crossentropy")
categorical_crossentropy = _per_sample(CategoricalCrossentropy, "categorical_crossentropy")
categorical_focal_crossentropy = _per_sample(CategoricalFocalCrossentropy, "categorical_focal_crossentropy")
sparse_categorical_crossentropy = _per_sample(SparseCategoricalCrossentropy, "sparse_categorical_crossentropy")
categorical_generalized_cross_entropy = _per_sample(CategoricalGeneralizedCrossEntropy,
                                                    "categorical_generalized_cross_entropy")
kl_divergence = _per_sample(KLDivergence, "kl_divergence")
poisson = _per_sample(Poisson, "poisson")
hinge = _per_sample(Hinge, "hinge")
squared_hinge = _per_sample(SquaredHinge, "squared_hinge")
categorical_hinge = _per_sample(CategoricalHinge, "categorical_hinge")
dice = _per_sample(Dice, "dice")
tversky = _per_sample(Tversky, "tversky")
# Circle's function has arguments of its own (reference embeddings and labels): it is Keras's, not a wrapper.
_TABLE.register(Circle, "circle")
_CLASS_OF[circle] = Circle
# Keras's string aliases.
for _class, *_aliases in [(MeanSquaredError, "mse", "MSE"), (MeanAbsoluteError, "mae", "MAE"),
                          (MeanAbsolutePercentageError, "mape", "MAPE"), (MeanSquaredLogarithmicError, "msle", "MSLE"),
                          (Huber, "huber_loss"), (LogCosh, "logcosh"), (KLDivergence, "kld", "KLD")]:
    for _alias in _aliases:
        _TABLE[_alias] = _class


def get(identifier) -> Loss:
    """Turn a name ("categorical_crossentropy", "mse", or a class name as Keras accepts, "Huber"), a loss
    function, a config dict or a Loss into a Loss.

    Example:
        >>> type(get("mse")).__name__
        'MeanSquaredError'
    """
    if callable(identifier) and not isinstance(identifier, Loss) and identifier in _CLASS_OF:
        return _CLASS_OF[identifier]()
    return lookup("loss", identifier, _TABLE, Loss)


deserialize = deserializer(get, "loss")

__all__ = [
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy", "CategoricalFocalCrossentropy",
    "CategoricalGeneralizedCrossEntropy", "CategoricalHinge", "Circle", "CosineSimilarity", "Dice", "Hinge", "Huber",
    "KLDivergence", "LogCosh", "Loss", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge", "Tversky",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy", "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy", "categorical_hinge", "circle", "cosine_similarity", "deserialize", "dice",
    "get", "hinge", "huber", "kl_divergence", "log_cosh", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_error", "mean_squared_logarithmic_error", "poisson", "serialize", "sparse_categorical_crossentropy",
    "squared_hinge", "tversky",
]
