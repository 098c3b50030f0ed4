"""ActivityRegularization: the identity, with a penalty on what passes through."""

from layerwise import regularizers
from layerwise.layers.base import Layer


class ActivityRegularization(Layer):
    """y = x, adding R(x) to the training loss and dR/dx to dJ/dx (as `keras.layers.ActivityRegularization`).

    Backward: dJ/dx = dJ/dy (the model adds dR/dy before this layer's backward, see `Layer`).

    Args:
        l1: λ1 of R(x) = λ1 Σ |x| + λ2 Σ x² (default 0).
        l2: λ2 (default 0).
        activity_regularizer: any other penalty instead of l1/l2, such as the sparse autoencoder's
            `layerwise.regularizers.KLSparsity`.
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = ActivityRegularization(l1=0.5)
        >>> _ = layer(np.array([[1.0, -2.0]]), training=True)
        >>> layer.activity_penalty
        1.5

    References:
        Lecture 002 (sparse autoencoders; L1 penalties).
    """

    def __init__(self, l1=0.0, l2=0.0, activity_regularizer=None, **kwargs):
        if activity_regularizer is not None and (l1 or l2):
            raise ValueError(f"ActivityRegularization: give l1/l2 or activity_regularizer, not both (received "
                             f"l1={l1!r}, l2={l2!r}, activity_regularizer={activity_regularizer!r})")
        super().__init__(activity_regularizer=activity_regularizer or regularizers.L1L2(l1=l1, l2=l2), **kwargs)

    def forward(self, x, training=False):
        return x

    def backward(self, dy):
        return dy
