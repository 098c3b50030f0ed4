"""Overlap losses of segmentation, as Keras: Dice and Tversky, over the whole batch or per group of ``axis``."""

import numpy as np

from layerwise.config import epsilon
from layerwise.losses.base import Loss


class _Overlap(Loss):
    """A loss l = 1 - ratio of sums over ``axis`` (None: every axis, one value for the batch); J = mean of the l."""

    def __init__(self, axis=None, name=None):
        super().__init__(name)
        self.axis = list(axis) if isinstance(axis, (list, tuple)) else axis

    def _axis(self):
        return tuple(self.axis) if isinstance(self.axis, list) else self.axis

    def _sum(self, values):
        return np.sum(values, axis=self._axis(), keepdims=True)

    def call(self, y_true, y_pred):
        ratio = self._ratio(y_true, y_pred)[0]
        return 1.0 - (ratio.reshape(()) if self.axis is None else np.squeeze(ratio, axis=self._axis()))

    def gradient(self, y_true, y_pred):
        ratio, dratio = self._ratio(y_true, y_pred)
        return -dratio * (1.0 / ratio.size)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dice(_Overlap):
    """l = 1 - 2 I / (S_y + S_p + eps), I = sum y p, S the sums; dl/dp = -2 (y D - I) / D^2 with D the denominator.

    Args:
        axis: the axes summed over (default None: all, so the batch has one value).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> round(Dice()(y_true, y_pred), 4)  # 1 - 2 * 2 / (3 + 2): I = 2, S_y = 3, S_p = 2
        0.2
        >>> np.round(Dice(axis=1).call(y_true, y_pred), 4)  # per row: 1 - 2 / 2 and 1 - 2 / 3
        array([0.    , 0.3333])

    References:
        Milletari et al., "V-Net", 3DV 2016.
    """

    def _ratio(self, y_true, y_pred):
        intersection = self._sum(y_true * y_pred)
        denominator = self._sum(y_true) + self._sum(y_pred) + epsilon()
        return 2.0 * intersection / denominator, 2.0 * (y_true * denominator - intersection) / denominator ** 2


class Tversky(_Overlap):
    """l = 1 - I / (I + α F + β G + eps), with Keras's I = sum y p, F = sum (1 - p) y, G = sum p (1 - y).

    dl/dp = -(y D - I (y - α y + β (1 - y))) / D^2 with D the denominator. α = β = 0.5 is Dice.

    Args:
        alpha: α, the weight of F (default 0.5).
        beta: β, the weight of G (default 0.5).
        axis: the axes summed over (default None: all).

    Example:
        >>> import numpy as np
        >>> y_true, y_pred = np.array([[1.0, 0.0], [1.0, 1.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
        >>> round(Tversky()(y_true, y_pred), 4)  # α = β = 0.5: Dice's 1 - 2 / (2 + 0.5 * 1 + 0.5 * 0)
        0.2
        >>> round(Tversky(alpha=0.7, beta=0.3)(y_true, y_pred), 4)  # the missed target (F = 1) costs more: 1 - 2 / 2.7
        0.2593

    References:
        Salehi et al., "Tversky loss function for image segmentation using 3D fully convolutional deep networks", 2017.
    """

    def __init__(self, alpha=0.5, beta=0.5, axis=None, name=None):
        super().__init__(axis, name)
        self.alpha, self.beta = float(alpha), float(beta)

    def _ratio(self, y_true, y_pred):
        intersection = self._sum(y_true * y_pred)
        denominator = (intersection + self.alpha * self._sum((1 - y_pred) * y_true)
                       + self.beta * self._sum(y_pred * (1 - y_true)) + epsilon())
        growth = y_true - self.alpha * y_true + self.beta * (1 - y_true)
        return intersection / denominator, (y_true * denominator - intersection * growth) / denominator ** 2

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha, "beta": self.beta}
