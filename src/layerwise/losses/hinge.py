"""Hinge losses (maximum-margin classification), as Keras: targets in {-1, 1}, or {0, 1} converted to them."""

import numpy as np

from layerwise.losses.base import Loss, rows


def signed_labels(y_true):
    """Targets in {-1, 1}: a batch whose targets are all 0 or 1 is mapped by y -> 2y - 1, as Keras."""
    binary = np.all((y_true == 0) | (y_true == 1))
    return 2 * y_true - 1 if binary else y_true


class Hinge(Loss):
    """l_n = mean_j max(1 - y p, 0); dJ/dp = -y [1 - y p > 0] / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[0.6, 0.4], [0.4, 0.6]])
        >>> # Targets 0/1 become -1/1: rows (1.6 + 0.6) / 2 = 1.1 and (1.4 + 1.6) / 2 = 1.5.
        >>> round(Hinge()(y_true, y_pred), 4)
        1.3
    """

    def call(self, y_true, y_pred):
        return np.mean(np.maximum(1 - signed_labels(y_true) * y_pred, 0), axis=-1)

    def gradient(self, y_true, y_pred):
        y = signed_labels(y_true)
        return -y * (1 - y * y_pred > 0) * (1.0 / y_pred.size)


class SquaredHinge(Loss):
    """l_n = mean_j max(1 - y p, 0)^2; dJ/dp = -2 y max(1 - y p, 0) / (M d).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [0.0, 0.0]]), np.array([[0.6, 0.4], [0.4, 0.6]])
        >>> # Targets 0/1 become -1/1: rows (1.6² + 0.6²) / 2 = 1.46 and (1.4² + 1.6²) / 2 = 2.26.
        >>> round(SquaredHinge()(y_true, y_pred), 4)
        1.86
    """

    def call(self, y_true, y_pred):
        return np.mean(np.square(np.maximum(1 - signed_labels(y_true) * y_pred, 0)), axis=-1)

    def gradient(self, y_true, y_pred):
        y = signed_labels(y_true)
        return -2 * y * np.maximum(1 - y * y_pred, 0) * (1.0 / y_pred.size)


class CategoricalHinge(Loss):
    """Crammer & Singer's multi-class hinge for one-hot targets: l_n = max(max_i (1 - y_i) p_i - sum_i y_i p_i + 1, 0).

    Where the hinge is active, dl/dp = e_k (1 - y_k) - y, k the arg max of (1 - y) p (the best wrong class); M divides.

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([[0.6, 0.4], [0.4, 0.6]])
        >>> # Each row: best wrong score 0.6 - true class's score 0.4 + 1.
        >>> round(CategoricalHinge()(y_true, y_pred), 4)
        1.2
    """

    def _parts(self, y_true, y_pred):
        wrong = (1 - y_true) * y_pred
        best_wrong = np.argmax(wrong, axis=-1)[..., None]
        margin = np.take_along_axis(wrong, best_wrong, axis=-1) - np.sum(y_true * y_pred, axis=-1, keepdims=True) + 1
        return best_wrong, margin

    def call(self, y_true, y_pred):
        return np.maximum(self._parts(y_true, y_pred)[1], 0)[..., 0]

    def gradient(self, y_true, y_pred):
        best_wrong, margin = self._parts(y_true, y_pred)
        gradient = np.zeros_like(y_pred)
        np.put_along_axis(gradient, best_wrong, np.take_along_axis(1 - y_true, best_wrong, axis=-1), axis=-1)
        gradient -= y_true
        return gradient * (margin > 0) * (1.0 / rows(y_pred))
