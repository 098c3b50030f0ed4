"""The learned scale and shift y = gamma * x_hat + beta that every normalization layer ends with."""

from layerwise import initializers
from layerwise.layers.base import Layer


def _axes_tuple(axis):
    return (axis,) if isinstance(axis, int) and not isinstance(axis, bool) else tuple(axis)


class Normalization(Layer):
    """Base of the normalization layers: validates ``axis``, owns gamma and beta and their gradients.

    Subclasses set `param_axes` (the axes gamma and beta vary along) and implement
    `normalize(x, training) -> x_hat` and `normalize_backward(dx_hat) -> dx`.

    Args:
        axis: an axis or list of axes, negative counting from the end (never the batch axis 0).
        epsilon: eps added to the variance.
        center: whether to add beta.
        scale: whether to multiply by gamma.
        beta_initializer, gamma_initializer: initializers of beta (zeros) and gamma (ones).
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", **kwargs):
        super().__init__(**kwargs)
        axes = _axes_tuple(axis)
        if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise ValueError(f"{type(self).__name__}: axis must be an int or a list of ints, received {axis!r}")
        if not epsilon > 0:
            raise ValueError(f"{type(self).__name__}: epsilon must be positive, received {epsilon!r}")
        self.axis = axis if isinstance(axis, int) else list(axis)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self.beta_initializer = beta_initializer
        self.gamma_initializer = gamma_initializer

    def resolve_axes(self, ndim):
        """The axes of ``axis`` as sorted non-negative ints; the batch axis 0 is refused."""
        axes = sorted({a % ndim if -ndim <= a < ndim else None for a in _axes_tuple(self.axis)},
                      key=lambda a: -1 if a is None else a)
        if axes[0] is None or axes[0] == 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': axis {self.axis} is invalid for inputs "
                             f"of rank {ndim} (the batch axis 0 cannot be normalized over)")
        return tuple(axes)

    def build_affine(self, input_shape, param_axes):
        """Create gamma and beta of shape input_shape[param_axes], broadcastable against the input."""
        self.param_axes = param_axes
        shape = tuple(input_shape[a] for a in param_axes)
        self.broadcast_shape = tuple(input_shape[a] if a in param_axes else 1 for a in range(len(input_shape)))
        self.gamma = self.add_weight("gamma", shape, self.gamma_initializer) if self.scale else None
        self.beta = self.add_weight("beta", shape, self.beta_initializer) if self.center else None

    def forward(self, x, training=False):
        self.x_hat = self.normalize(x, training)
        y = self.x_hat * self.gamma.value.reshape(self.broadcast_shape) if self.scale else self.x_hat.copy()
        if self.center:
            y += self.beta.value.reshape(self.broadcast_shape)
        return y

    def backward(self, dy):
        sum_axes = tuple(a for a in range(dy.ndim) if a not in self.param_axes)
        if self.center:
            self.beta.grad += dy.sum(axis=sum_axes).reshape(self.beta.shape)
        if self.scale:
            self.gamma.grad += (dy * self.x_hat).sum(axis=sum_axes).reshape(self.gamma.shape)
            dy = dy * self.gamma.value.reshape(self.broadcast_shape)
        return self.normalize_backward(dy)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon, "center": self.center,
                "scale": self.scale, "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer)}
