"""Softmax layer."""

from layerwise.layers.activations._fixed import FixedActivation


class Softmax(FixedActivation):
    """y_i = exp(x_i) / sum_j exp(x_j) along ``axis``; dJ/dx = y * (dJ/dy - sum_j dJ/dy_j y_j).

    Args:
        axis: the axis normalized over (default -1).
        **kwargs: `Layer` arguments.

    Example:
        >>> import numpy as np
        >>> Softmax()(np.zeros((1, 4)))
        array([[0.25, 0.25, 0.25, 0.25]], dtype=float32)

    References:
        Lecture 003 (softmax as the output layer).
    """

    function_name = "softmax"

    def __init__(self, axis=-1, **kwargs):
        super().__init__(axis=axis, **kwargs)
