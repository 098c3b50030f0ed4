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


# Each function's example: the source text of y_true and y_pred (those of its class's example), its per-sample losses
# as NumPy prints them rounded to 4 decimals, and the class's loss, their mean, rounded to 4 decimals.
_REGRESSION = "[[0.0, 1.0], [0.0, 0.0]]"
_MARGINS = "[[0.6, 0.4], [0.4, 0.6]]"
_ONE_HOT = "[[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]", "[[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]"
_OVERLAP = "[[1.0, 0.0], [1.0, 1.0]]", "[[1.0, 0.0], [0.0, 1.0]]"  # Dice, Tversky: one value for the whole batch
_EXAMPLES = {
    "mean_squared_error": (_REGRESSION, "[[1.0, 1.0], [1.0, 0.0]]", "[0.5 0.5]", "0.5"),
    "mean_absolute_error": (_REGRESSION, "[[1.0, 3.0], [1.0, 0.0]]", "[1.5 0.5]", "1.0"),
    "mean_absolute_percentage_error": ("[[2.0, 1.0], [2.0, 3.0]]", "[[1.0, 1.0], [1.0, 0.0]]", "[25. 75.]", "50.0"),
    "mean_squared_logarithmic_error": (_REGRESSION, "[[1.0, 1.0], [1.0, 0.0]]", "[0.2402 0.2402]", "0.2402"),
    "huber": (_REGRESSION, _MARGINS, "[0.18 0.13]", "0.155"),
    "log_cosh": (_REGRESSION, "[[1.0, 1.0], [0.0, 0.0]]", "[0.2169 0.    ]", "0.1084"),
    "cosine_similarity": ("[[3.0, 4.0], [1.0, 0.0]]", "[[4.0, 3.0], [2.0, 0.0]]", "[-0.96 -1.  ]", "-0.98"),
    "binary_crossentropy": ("[[1.0], [0.0]]", "[[0.8], [0.4]]", "[0.2231 0.5108]", "0.367"),
    "binary_focal_crossentropy": ("[[1.0], [0.0]]", "[[0.5], [0.5]]", "[0.1733 0.1733]", "0.1733"),
    "categorical_crossentropy": (*_ONE_HOT, "[0.0513 2.3026]", "1.1769"),
    "categorical_focal_crossentropy": (*_ONE_HOT, "[0.     0.4663]", "0.2332"),
    "sparse_categorical_crossentropy": ("[1, 2]", _ONE_HOT[1], "[0.0513 2.3026]", "1.1769"),
    "categorical_generalized_cross_entropy": ("[0, 1]", "[[0.25, 0.75], [0.36, 0.64]]", "[1.  0.4]", "0.7"),
    "kl_divergence": ("[[0.5, 0.5], [1.0, 0.0]]", "[[0.25, 0.75], [0.5, 0.5]]", "[0.1438 0.6931]", "0.4185"),
    "poisson": (_REGRESSION, "[[1.0, 1.0], [0.0, 0.0]]", "[1. 0.]", "0.5"),
    "hinge": (_REGRESSION, _MARGINS, "[1.1 1.5]", "1.3"),
    "squared_hinge": (_REGRESSION, _MARGINS, "[1.46 2.26]", "1.86"),
    "categorical_hinge": ("[[0.0, 1.0], [1.0, 0.0]]", _MARGINS, "[1.2 1.2]", "1.2"),
    "dice": (*_OVERLAP, "0.2", "0.2"),
    "tversky": (*_OVERLAP, "0.2", "0.2"),
}


def _per_sample(cls, name):
    """Keras's function ``name`` of a loss class: the per-sample losses; the class is registered under ``name``.

    Its docstring has an example of its own, from ``_EXAMPLES[name]``.
    """
    def loss_function(y_true, y_pred):
        return cls().call(np.asarray(y_true), np.asarray(y_pred))

    y_true, y_pred, values, mean = _EXAMPLES[name]
    loss_function.__name__ = loss_function.__qualname__ = name
    loss_function.__doc__ = (
        f"Per-sample losses of `{cls.__name__}` (as Keras's function of that name); their mean is the loss.\n\n"
        "    Example:\n"
        "        >>> import numpy as np\n"
        "        >>> from layerwise import losses\n"
        f"        >>> y_true = np.array({y_true})\n"
        f"        >>> y_pred = np.array({y_pred})\n"
        f"        >>> print(np.round(losses.{name}(y_true, y_pred), 4))\n"
        f"        {values}\n"
        f"        >>> round(losses.{cls.__name__}()(y_true, y_pred), 4)\n"
        f"        {mean}\n")
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
deserialize.__doc__ += """

    Example:
        >>> loss = deserialize(serialize(Huber(delta=2.0)))
        >>> type(loss).__name__, loss.delta
        ('Huber', 2.0)
        >>> deserialize({"class_name": "mse", "config": {}}).name
        'mean_squared_error'
    """
# deserialize is made in layerwise.utils.identifiers: doctest collects its example here only when told to.
__test__ = {"deserialize": deserialize}

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
