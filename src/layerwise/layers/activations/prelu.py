"""PReLU: the parametric rectifier with a learned slope."""

import numpy as np

from layerwise import initializers
from layerwise.layers.base import Layer


class PReLU(Layer):
    """f(x) = max(0, x) + alpha * min(0, x) with alpha learned by gradient descent (lecture 003).

    Backward: dJ/dx = dJ/dy * (1 if x > 0 else alpha);
    dJ/dalpha = sum over the batch and the shared axes of dJ/dy * min(0, x).

    Args:
        alpha_initializer: initializer of alpha (default "zeros", as Keras).
        shared_axes: axes (1-based, batch excluded) along which one alpha is shared, e.g. [1, 2] for
            one alpha per channel of an image.
        alpha_regularizer: penalty R(alpha) added to the loss.
        alpha_constraint: projection of alpha after each update (e.g. "non_neg").
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = PReLU(alpha_initializer="ones")
        >>> layer(np.array([[-2.0, 3.0]]))
        array([[-2.,  3.]], dtype=float32)

    References:
        He et al., "Delving Deep into Rectifiers", ICCV 2015. Lecture 003 (parametric ReLU).
    """

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        self.set_weight_options(alpha_regularizer=alpha_regularizer, alpha_constraint=alpha_constraint)
        self.shared_axes = None if shared_axes is None else sorted(
            [shared_axes] if isinstance(shared_axes, int) else list(shared_axes))

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if not 1 <= axis <= len(shape):
                raise ValueError(
                    f"Layer '{self.name}' (PReLU): shared axis {axis} is outside the input's axes "
                    f"1..{len(shape)}")
            shape[axis - 1] = 1
        self.alpha = self.add_weight("alpha", tuple(shape), self.alpha_initializer, self.alpha_regularizer,
                                     self.alpha_constraint)

    def forward(self, x, training=False):
        self.x = x
        return np.where(x > 0, x, self.alpha.value * x)

    def backward(self, dy):
        negative_part = np.minimum(self.x, 0)
        reduce_axes = (0,) + tuple(self.shared_axes or ())
        self.alpha.grad += (dy * negative_part).sum(axis=reduce_axes, keepdims=True)[0]
        return np.where(self.x > 0, dy, self.alpha.value * dy)

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                **self.weight_options_config("alpha_regularizer", "alpha_constraint"),
                "shared_axes": self.shared_axes}
