"""Reshape: give each sample a new shape."""

import math

from layerwise.layers.base import Layer, format_shape


class Reshape(Layer):
    """y = x reshaped to (N, *target_shape); dJ/dx is dJ/dy reshaped back.

    Args:
        target_shape: the shape of one sample; one entry may be -1 (inferred).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, ...) with as many elements per sample as target_shape.

    Output shape:
        (batch, *target_shape).

    Example:
        >>> import numpy as np
        >>> Reshape((28, 28))(np.zeros((2, 784))).shape
        (2, 28, 28)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)
        if sum(d == -1 for d in self.target_shape) > 1 or any(d == 0 or d < -1 for d in self.target_shape):
            raise ValueError(
                f"Reshape: target_shape may hold positive sizes and at most one -1, received "
                f"{self.target_shape}")

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def forward(self, x, training=False):
        self.input_batch_shape = x.shape
        return x.reshape((x.shape[0],) + self.target_shape)

    def backward(self, dy):
        return dy.reshape(self.input_batch_shape)

    def compute_output_shape(self, input_shape):
        size = math.prod(input_shape[1:]) if None not in input_shape[1:] else None
        known = math.prod(d for d in self.target_shape if d != -1)
        if size is None:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        if (-1 in self.target_shape and size % known) or (-1 not in self.target_shape and size != known):
            raise ValueError(
                f"Layer '{self.name}' (Reshape) cannot reshape input {format_shape(input_shape)} "
                f"({size} values per sample) to {self.target_shape}")
        return (input_shape[0],) + tuple(size // known if d == -1 else d for d in self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}
