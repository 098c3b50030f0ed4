"""The loss protocol: per-sample losses l_n and the gradient dJ/dy_pred of their batch mean J."""

import numpy as np

from layerwise.utils._arguments import refuse


def rows(y_pred) -> int:
    """M: the number of rows the loss is averaged over (all axes but the last)."""
    return y_pred.size // y_pred.shape[-1] if y_pred.ndim else 1


def per_sample(weights, ndim):
    """Sample weights of shape (N,) (or (N, T) ...) with trailing axes of size 1 up to ``ndim`` axes."""
    weights = np.asarray(weights)
    return weights.reshape(weights.shape + (1,) * (ndim - weights.ndim))


class Loss:
    """Base class: ``loss(y_true, y_pred, sample_weight=None)`` is the mean per-sample loss J.

    Subclasses implement `call` (per-sample losses) and `gradient` (dJ/dy_pred). With sample weights w_n the loss
    is Keras's "sum_over_batch_size" reduction J = (1/M) sum_n w_n l_n (M: the number of per-sample values, not the
    sum of the weights), whose gradient is the unweighted one with sample n's rows scaled by w_n (`weigh`).

    Example:
        >>> import numpy as np
        >>> class TotalAbsoluteError(Loss):
        ...     def call(self, y_true, y_pred):
        ...         return np.sum(np.abs(y_pred - y_true), axis=-1)
        ...     def gradient(self, y_true, y_pred):
        ...         return np.sign(y_pred - y_true) / len(y_pred)
        >>> loss = TotalAbsoluteError()
        >>> loss.name
        'total_absolute_error'
        >>> y_true, y_pred = np.array([[0.0, 1.0], [2.0, 2.0]]), np.array([[1.0, 3.0], [2.0, 1.0]])
        >>> loss.call(y_true, y_pred)  # per-sample losses l_n
        array([3., 1.])
        >>> loss(y_true, y_pred), loss(y_true, y_pred, sample_weight=[0.0, 2.0])  # (3 + 1) / 2, (0 * 3 + 2 * 1) / 2
        (2.0, 1.0)
    """

    #: Name of the output activation whose fused gradient this loss offers, if any.
    fusable_activation = None

    def __init__(self, name=None):
        self.name = name or snake(type(self).__name__)

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        values = self.call(y_true, y_pred)
        if sample_weight is not None:
            values = values * per_sample(self.check_sample_weight(sample_weight, values), np.ndim(values))
        return float(np.mean(values))

    def check_sample_weight(self, sample_weight, values):
        """The weights, as an array, if they go with per-sample values of ``values``'s shape (a ValueError if not)."""
        weights = np.asarray(sample_weight, dtype=np.float64)
        shape = np.shape(values)
        if weights.ndim == 0 or weights.ndim > len(shape) or shape[:weights.ndim] != weights.shape:
            raise ValueError(f"{type(self).__name__}: sample weights of shape {weights.shape} do not go with "
                             f"per-sample losses of shape {shape} (one weight per sample, or per sample and step)")
        return weights

    def weigh(self, gradient, sample_weight):
        """dJ/dy_pred of the weighted loss from the unweighted `gradient`: each sample's rows times its weight."""
        if sample_weight is None:
            return gradient
        return gradient * per_sample(sample_weight, gradient.ndim).astype(gradient.dtype, copy=False)

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


def snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


def integral(y):
    return y.dtype.kind in "iub" or bool(np.all(y == np.floor(y)))


def check_probabilities(loss, y_true):
    """Cross-entropy targets are probabilities: a target below 0 or above 1 is a ValueError naming it."""
    if y_true.size and not (y_true.min() >= 0 and y_true.max() <= 1):
        refuse(type(loss).__name__, "targets", y_true, ~((y_true >= 0) & (y_true <= 1)), "probabilities in [0, 1]",
               "each row is a one-hot or soft label; to smooth labels use the label_smoothing argument")
