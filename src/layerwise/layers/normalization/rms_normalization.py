"""RMSNormalization: inputs divided by their root mean square along an axis, times a learned scale."""

import numpy as np

from layerwise.layers.base import Layer


class RMSNormalization(Layer):
    """Zhang & Sennrich's RMSNorm, as Keras: y = s x r with r = 1 / sqrt(mean_axis x^2 + eps) and s the scale.

    With g = s dJ/dy and d the size of the axis:
        dJ/ds = sum over the other axes of dJ/dy x r,   dJ/dx = r g - x r^3 sum_axis(g x) / d.

    Args:
        axis: the axis normalized over (default -1); the scale has its size.
        epsilon: eps (default 1e-6, as Keras).
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> np.round(RMSNormalization()(np.array([[3.0, -3.0]])), 4)
        array([[ 1., -1.]], dtype=float32)

    References:
        Zhang & Sennrich, "Root Mean Square Layer Normalization", NeurIPS 2019.
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(f"RMSNormalization: axis must be an int, received {axis!r}")
        if not epsilon > 0:
            raise ValueError(f"RMSNormalization: epsilon must be positive, received {epsilon!r}")
        self.axis, self.epsilon = axis, float(epsilon)

    def build(self, input_shape):
        if not -len(input_shape) < self.axis < len(input_shape) or self.axis % len(input_shape) == 0:
            raise ValueError(f"RMSNormalization '{self.name}': axis {self.axis} is invalid for inputs of rank "
                             f"{len(input_shape)} (the batch axis 0 cannot be normalized over)")
        self.scale = self.add_weight("scale", (input_shape[self.axis],), "ones")
        self.broadcast_shape = tuple(-1 if a == self.axis % len(input_shape) else 1 for a in range(len(input_shape)))

    def forward(self, x, training=False):
        self.x = x
        self.inverse_rms = 1.0 / np.sqrt(np.mean(x * x, axis=self.axis, keepdims=True) + self.epsilon)
        return x * self.inverse_rms * self.scale.value.reshape(self.broadcast_shape)

    def backward(self, dy):
        normalized = self.x * self.inverse_rms
        other_axes = tuple(a for a in range(dy.ndim) if a != self.axis % dy.ndim)
        self.scale.grad += (dy * normalized).sum(axis=other_axes)
        g = dy * self.scale.value.reshape(self.broadcast_shape)
        along = np.mean(g * self.x, axis=self.axis, keepdims=True)
        return self.inverse_rms * g - self.x * self.inverse_rms ** 3 * along

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}
