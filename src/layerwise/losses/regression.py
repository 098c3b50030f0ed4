"""Regression losses: errors between real-valued targets and predictions, averaged over the last axis."""

import math

import numpy as np

from layerwise.config import epsilon
from layerwise.losses.base import Loss
from layerwise.ops.l2_normalize import l2_normalize, l2_normalize_backward


class MeanSquaredError(Loss):
    """l_n = mean_j (y_nj - p_nj)^2; dJ/dp = 2 (p - y) / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]])
        >>> loss = MeanSquaredError()
        >>> loss(y_true, y_pred)  # rows (1 + 0) / 2 and (1 + 0) / 2
        0.5
        >>> loss(y_true, y_pred, sample_weight=[1.0, 0.0])  # (1 * 0.5 + 0 * 0.5) / 2 rows
        0.25
        >>> loss.gradient(y_true, y_pred)  # 2 (p - y) / (M d) with M = d = 2
        array([[0.5, 0. ],
               [0.5, 0. ]])
    """

    def call(self, y_true, y_pred):
        return np.mean(np.square(y_pred - y_true), axis=-1)

    def gradient(self, y_true, y_pred):
        return (y_pred - y_true) * (2.0 / y_pred.size)


class MeanAbsoluteError(Loss):
    """l_n = mean_j |y_nj - p_nj|; dJ/dp = sign(p - y) / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 3.0], [1.0, 0.0]])
        >>> MeanAbsoluteError()(y_true, y_pred)  # rows (1 + 2) / 2 and (1 + 0) / 2
        1.0
    """

    def call(self, y_true, y_pred):
        return np.mean(np.abs(y_pred - y_true), axis=-1)

    def gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true) * (1.0 / y_pred.size)


class Huber(Loss):
    """l_n = mean_j h(p_nj - y_nj), h(e) = e^2 / 2 for |e| <= delta, delta (|e| - delta / 2) beyond.

    dJ/dp = clip(p - y, -delta, delta) / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[0.6, 0.4], [0.4, 0.6]])
        >>> round(Huber()(y_true, y_pred), 4)  # errors <= delta: rows (0.18 + 0.18) / 2, (0.08 + 0.18) / 2
        0.155
        >>> round(Huber(delta=0.5)(y_true, y_pred), 5)  # an error of 0.6 now costs 0.5 (0.6 - 0.25) = 0.175
        0.15125
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


class MeanAbsolutePercentageError(Loss):
    """l_n = 100 mean_j |y - p| / max(|y|, eps); dJ/dp = 100 sign(p - y) / max(|y|, eps) / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[2.0, 1.0], [2.0, 3.0]]), np.array([[1.0, 1.0], [1.0, 0.0]])
        >>> MeanAbsolutePercentageError()(y_true, y_pred)  # rows 100 (1/2 + 0) / 2 = 25 and 100 (1/2 + 1) / 2 = 75
        50.0
    """

    def call(self, y_true, y_pred):
        return 100.0 * np.mean(np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), epsilon()), axis=-1)

    def gradient(self, y_true, y_pred):
        return np.sign(y_pred - y_true) / np.maximum(np.abs(y_true), epsilon()) * (100.0 / y_pred.size)


class MeanSquaredLogarithmicError(Loss):
    """l_n = mean_j (log(max(p, eps) + 1) - log(max(y, eps) + 1))^2; dJ/dp = 2 (a - b) / (p + 1) / (M d) where
    p > eps (else 0), a and b the two logarithms.

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [1.0, 0.0]])
        >>> round(MeanSquaredLogarithmicError()(y_true, y_pred), 4)  # each row (log 2 - log 1)^2 / 2
        0.2402
    """

    def _difference(self, y_true, y_pred):
        shifted = np.maximum(y_pred, epsilon()) + 1.0
        return shifted, np.log(shifted) - np.log(np.maximum(y_true, epsilon()) + 1.0)

    def call(self, y_true, y_pred):
        return np.mean(np.square(self._difference(y_true, y_pred)[1]), axis=-1)

    def gradient(self, y_true, y_pred):
        shifted, difference = self._difference(y_true, y_pred)
        return np.where(y_pred > epsilon(), 2.0 * difference / shifted, 0) * (1.0 / y_pred.size)


class LogCosh(Loss):
    """l_n = mean_j log cosh(p - y), computed as e + softplus(-2e) - log 2 for e = p - y (no overflow);
    dJ/dp = tanh(p - y) / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[1.0, 1.0], [0.0, 0.0]])
        >>> round(LogCosh()(y_true, y_pred), 4)  # rows (log cosh 1 + 0) / 2 and 0
        0.1084
    """

    def call(self, y_true, y_pred):
        error = y_pred - y_true
        return np.mean(error + np.logaddexp(0.0, -2.0 * error) - math.log(2.0), axis=-1)

    def gradient(self, y_true, y_pred):
        return np.tanh(y_pred - y_true) * (1.0 / y_pred.size)


class CosineSimilarity(Loss):
    """l = -sum_axis ŷ p̂ with ŷ, p̂ the L2-normalized targets and predictions (`layerwise.ops.l2_normalize`):
    -1 for parallel vectors, as Keras. dJ/dp̂ = -ŷ / M (M: the vectors averaged over), then through p̂'s normalization.

    Args:
        axis: the axis of the vectors (default -1).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[3.0, 4.0], [1.0, 0.0]]), np.array([[4.0, 3.0], [2.0, 0.0]])
        >>> round(CosineSimilarity()(y_true, y_pred), 4)  # rows -(12 + 12) / 25 = -0.96 and -1
        -0.98
    """

    def __init__(self, axis=-1, name=None):
        super().__init__(name)
        self.axis = axis

    def call(self, y_true, y_pred):
        return -np.sum(l2_normalize(y_true, self.axis)[0] * l2_normalize(y_pred, self.axis)[0], axis=self.axis)

    def gradient(self, y_true, y_pred):
        unit, norms = l2_normalize(y_pred, self.axis)
        count = y_pred.size // y_pred.shape[self.axis]
        return l2_normalize_backward(-l2_normalize(y_true, self.axis)[0], unit, norms, self.axis) * (1.0 / count)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
