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

from layerwise import activations
from layerwise.config import epsilon
from layerwise.utils._arguments import refuse
from layerwise.utils.identifiers import deserializer, lookup
from layerwise.utils.registry import Registry
from layerwise.utils.serialization_lib import serialize_keras_object as serialize


def _rows(y_pred) -> int:
    """M: the number of rows the loss is averaged over (all axes but the last)."""
    return y_pred.size // y_pred.shape[-1] if y_pred.ndim else 1


class Loss:
    """Base class: ``loss(y_true, y_pred)`` is the mean per-sample loss J.

    Subclasses implement `call` (per-sample losses) and `gradient` (dJ/dy_pred).
    """

    #: Name of the output activation whose fused gradient this loss offers, if any.
    fusable_activation = None

    def __init__(self, name=None):
        self.name = name or _snake(type(self).__name__)

    def __call__(self, y_true, y_pred) -> float:
        return float(np.mean(self.call(y_true, y_pred)))

    def call(self, y_true, y_pred):
        """Per-sample losses l_n, of shape y_pred.shape[:-1]."""
        raise NotImplementedError

    def gradient(self, y_true, y_pred):
        """dJ/dy_pred for J = mean of `call` over the batch."""
        raise NotImplementedError

    def fuses_with(self, activation) -> bool:
        """Whether `fused_gradient` applies to an output layer with this activation."""
        return (self.fusable_activation is not None and activation is not None
                and activation.name == self.fusable_activation
                and activation.kwargs.get("axis", -1) == -1
                and not getattr(self, "from_logits", False))

    def fused_gradient(self, y_true, y_pred):
        """dJ/dz, the gradient with respect to the output activation's input."""
        raise NotImplementedError(f"{type(self).__name__} has no fused gradient")

    def check_targets(self, y_true, output_shape) -> None:
        """Raise a ValueError when targets cannot go with outputs of ``output_shape``."""
        if tuple(y_true.shape[1:]) != tuple(output_shape[1:]):
            raise ValueError(
                f"{type(self).__name__}: targets of shape {y_true.shape} do not fit model outputs of "
                f"shape {tuple(output_shape)} (every axis but the batch must match)")

    def get_config(self):
        return {"name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


class MeanSquaredError(Loss):
    """l_n = mean_j (y_nj - p_nj)^2; dJ/dp = 2 (p - y) / (M d)."""

    def call(self, y_true, y_pred):
        return np.mean(np.square(y_pred - y_true), axis=-1)

    def gradient(self, y_true, y_pred):
        return (y_pred - y_true) * (2.0 / y_pred.size)


class MeanAbsoluteError(Loss):
    """l_n = mean_j |y_nj - p_nj|; dJ/dp = sign(p - y) / (M d)."""

    def call(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true), axis=-1)

    def gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true) * (1.0 / y_pred.size)


class Huber(Loss):
    """l_n = mean_j h(p_nj - y_nj), h(e) = e^2 / 2 for |e| <= delta, delta (|e| - delta / 2) beyond.

    dJ/dp = clip(p - y, -delta, delta) / (M d).
    """

    def __init__(self, delta=1.0, name=None):
        super().__init__(name or "huber_loss")
        if delta <= 0:
            raise ValueError(f"Huber: delta must be positive, received {delta}")
        self.delta = float(delta)

    def call(self, y_true, y_pred):
        error = np.abs(y_pred - y_true)
        quadratic = np.minimum(error, self.delta)
        return np.mean(0.5 * quadratic * quadratic + self.delta * (error - quadratic), axis=-1)

    def gradient(self, y_true, y_pred):
        return np.clip(y_pred - y_true, -self.delta, self.delta) * (1.0 / y_pred.size)

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


class BinaryCrossentropy(Loss):
    """l_n = -mean_j [y log p + (1 - y) log(1 - p)] (lecture 003), p clipped to [eps, 1 - eps].

    dJ/dp = (p - y) / (p (1 - p)) / (M d); with ``from_logits`` p = sigmoid(z) and dJ/dz = (p - y) / (M d).
    ``label_smoothing`` s replaces y by y (1 - s) + s / 2.
    """

    fusable_activation = "sigmoid"

    def __init__(self, from_logits=False, label_smoothing=0.0, name=None):
        super().__init__(name)
        self.from_logits, self.label_smoothing = from_logits, float(label_smoothing)

    def _smooth(self, y_true):
        s = self.label_smoothing
        return y_true * (1.0 - s) + 0.5 * s if s else y_true

    def call(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            z = y_pred
            return np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z))), axis=-1)
        p = np.clip(y_pred, epsilon(), 1.0 - epsilon())
        return -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p), axis=-1)

    def gradient(self, y_true, y_pred):
        y = self._smooth(y_true)
        if self.from_logits:
            return (activations.sigmoid(y_pred) - y) * (1.0 / y_pred.size)
        p = np.clip(y_pred, epsilon(), 1.0 - epsilon())
        inside = (y_pred > epsilon()) & (y_pred < 1.0 - epsilon())
        return np.where(inside, (p - y) / (p * (1 - p)), 0) * (1.0 / y_pred.size)

    def fused_gradient(self, y_true, y_pred):
        return (y_pred - self._smooth(y_true)) * (1.0 / y_pred.size)

    def check_targets(self, y_true, output_shape):
        super().check_targets(y_true, output_shape)
        _check_probabilities(self, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class CategoricalCrossentropy(Loss):
    """l_n = -sum_i y_ni log p_ni over the classes (lecture 003), for one-hot (or soft) targets.

    As in Keras, p is first renormalized to sum to one along the class axis, then clipped to
    [eps, 1 - eps]; dJ/dp_i = (sum_j y_j / S - y_i / p_i) / M with S = sum_j p_j, where the sums and
    y_i leave out the classes whose renormalized p_j was clipped (their log is constant there).
    With ``from_logits``: l_n = -sum_i y_i log softmax(z)_i and dJ/dz = (softmax(z) sum_j y_j - y) / M.
    ``label_smoothing`` s replaces y by y (1 - s) + s / C.
    """

    fusable_activation = "softmax"

    def __init__(self, from_logits=False, label_smoothing=0.0, name=None):
        super().__init__(name)
        self.from_logits, self.label_smoothing = from_logits, float(label_smoothing)

    def _targets(self, y_true, y_pred):
        s = self.label_smoothing
        return y_true * (1.0 - s) + s / y_pred.shape[-1] if s else y_true

    def _log_probabilities(self, y_pred):
        if self.from_logits:
            shifted = y_pred - y_pred.max(axis=-1, keepdims=True)
            return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
        p = y_pred / y_pred.sum(axis=-1, keepdims=True)
        return np.log(np.clip(p, epsilon(), 1.0 - epsilon()))

    def call(self, y_true, y_pred):
        return -np.sum(self._targets(y_true, y_pred) * self._log_probabilities(y_pred), axis=-1)

    def gradient(self, y_true, y_pred):
        y = self._targets(y_true, y_pred)
        if self.from_logits:
            total = y.sum(axis=-1, keepdims=True)
            return (activations.softmax(y_pred) * total - y) * (1.0 / _rows(y_pred))
        s = y_pred.sum(axis=-1, keepdims=True)
        p = y_pred / s
        inside = (p > epsilon()) & (p < 1.0 - epsilon())
        # A clipped log p_i is constant, so its target takes no part in the renormalization term either.
        y_inside = np.where(inside, y, 0)
        total = y_inside.sum(axis=-1, keepdims=True)
        return (total / s - y_inside / np.where(inside, y_pred, 1)) * (1.0 / _rows(y_pred))

    def fused_gradient(self, y_true, y_pred):
        y = self._targets(y_true, y_pred)
        return (y_pred * y.sum(axis=-1, keepdims=True) - y) * (1.0 / _rows(y_pred))

    def check_targets(self, y_true, output_shape):
        if y_true.ndim == len(output_shape) - 1 and output_shape[-1] != 1:
            raise ValueError(
                f"CategoricalCrossentropy: targets of shape {y_true.shape} look like integer labels, "
                f"but one-hot targets of shape (N, {output_shape[-1]}) are expected; use "
                "loss='sparse_categorical_crossentropy' or layerwise.utils.to_categorical")
        super().check_targets(y_true, output_shape)
        _check_probabilities(self, y_true)

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits,
                "label_smoothing": self.label_smoothing}


class SparseCategoricalCrossentropy(Loss):
    """Categorical cross-entropy with integer labels: l_n = -log p_{n, y_n}.

    dJ/dp = (1 / S - onehot(y) / p) / M (p renormalized and clipped as in `CategoricalCrossentropy`);
    with ``from_logits``: dJ/dz = (softmax(z) - onehot(y)) / M.
    """

    fusable_activation = "softmax"

    def __init__(self, from_logits=False, name=None):
        super().__init__(name)
        self.from_logits = from_logits
        self._dense = CategoricalCrossentropy(from_logits=from_logits)

    def _one_hot(self, y_true, y_pred):
        labels = np.asarray(y_true).astype(np.intp).reshape(y_pred.shape[:-1])
        one_hot = np.zeros_like(y_pred)
        np.put_along_axis(one_hot, labels[..., None], 1, axis=-1)
        return one_hot

    def call(self, y_true, y_pred):
        return self._dense.call(self._one_hot(y_true, y_pred), y_pred)

    def gradient(self, y_true, y_pred):
        return self._dense.gradient(self._one_hot(y_true, y_pred), y_pred)

    def fused_gradient(self, y_true, y_pred):
        return self._dense.fused_gradient(self._one_hot(y_true, y_pred), y_pred)

    def check_targets(self, y_true, output_shape):
        classes = output_shape[-1]
        if tuple(y_true.shape[1:]) not in (tuple(output_shape[1:-1]), tuple(output_shape[1:-1]) + (1,)):
            raise ValueError(
                f"SparseCategoricalCrossentropy: integer labels of shape (N,) are expected for outputs "
                f"of shape {tuple(output_shape)}, received labels of shape {y_true.shape}"
                + ("; for one-hot targets use loss='categorical_crossentropy'" if y_true.shape[-1:] == (classes,) else ""))
        if y_true.size and not (y_true.min() >= 0 and y_true.max() < classes and _integral(y_true)):
            refuse(type(self).__name__, "labels", y_true,
                   ~((y_true >= 0) & (y_true < classes) & (y_true == np.floor(y_true))),
                   f"integers in [0, {classes}) (one per class of the model's output)")

    def get_config(self):
        return {**super().get_config(), "from_logits": self.from_logits}


def _integral(y):
    return y.dtype.kind in "iub" or bool(np.all(y == np.floor(y)))


def _check_probabilities(loss, y_true):
    """Cross-entropy targets are probabilities: a target below 0 or above 1 is a ValueError naming it."""
    if y_true.size and not (y_true.min() >= 0 and y_true.max() <= 1):
        refuse(type(loss).__name__, "targets", y_true, ~((y_true >= 0) & (y_true <= 1)), "probabilities in [0, 1]",
               "each row is a one-hot or soft label; to smooth labels use the label_smoothing argument")


class KLDivergence(Loss):
    """l_n = sum_i y_i log(y_i / p_i), y and p clipped to [eps, 1]; dJ/dp = -y / p / M."""

    def call(self, y_true, y_pred):
        y = np.clip(y_true, epsilon(), 1.0)
        p = np.clip(y_pred, epsilon(), 1.0)
        return np.sum(y * np.log(y / p), axis=-1)

    def gradient(self, y_true, y_pred):
        y = np.clip(y_true, epsilon(), 1.0)
        inside = (y_pred > epsilon()) & (y_pred < 1.0)
        return np.where(inside, -y / np.where(inside, y_pred, 1), 0) * (1.0 / _rows(y_pred))


def _per_sample(cls):
    def loss_function(y_true, y_pred):
        return cls().call(np.asarray(y_true), np.asarray(y_pred))

    loss_function.__doc__ = f"Per-sample losses of `{cls.__name__}` (as Keras's function of that name)."
    return loss_function


mean_squared_error = _per_sample(MeanSquaredError)
mean_absolute_error = _per_sample(MeanAbsoluteError)
huber = _per_sample(Huber)
binary_crossentropy = _per_sample(BinaryCrossentropy)
categorical_crossentropy = _per_sample(CategoricalCrossentropy)
sparse_categorical_crossentropy = _per_sample(SparseCategoricalCrossentropy)
kl_divergence = _per_sample(KLDivergence)

_TABLE = Registry("loss", module="layerwise.losses")
_TABLE.register(MeanSquaredError, "mean_squared_error", "mse", "MSE")
_TABLE.register(MeanAbsoluteError, "mean_absolute_error", "mae", "MAE")
_TABLE.register(Huber, "huber", "huber_loss")
_TABLE.register(BinaryCrossentropy, "binary_crossentropy")
_TABLE.register(CategoricalCrossentropy, "categorical_crossentropy")
_TABLE.register(SparseCategoricalCrossentropy, "sparse_categorical_crossentropy")
_TABLE.register(KLDivergence, "kl_divergence", "kld", "KLD")
_FUNCTIONS = {
    mean_squared_error: MeanSquaredError, mean_absolute_error: MeanAbsoluteError, huber: Huber,
    binary_crossentropy: BinaryCrossentropy, categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy, kl_divergence: KLDivergence,
}


def get(identifier) -> Loss:
    """Turn a name ("categorical_crossentropy", "mse", or a class name as Keras accepts, "Huber"), a loss
    function, a config dict or a Loss into a Loss.

    Example:
        >>> type(get("mse")).__name__
        'MeanSquaredError'
    """
    if callable(identifier) and not isinstance(identifier, Loss) and identifier in _FUNCTIONS:
        return _FUNCTIONS[identifier]()
    return lookup("loss", identifier, _TABLE, Loss)


deserialize = deserializer(get, "loss")
