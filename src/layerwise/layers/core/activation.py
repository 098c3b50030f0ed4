"""Activation: applies an activation function as a layer of its own."""

from layerwise import activations
from layerwise.layers.base import Layer


class Activation(Layer):
    """y = f(x) element-wise (softmax: along an axis), with dJ/dx = dJ/dy * f'(x).

    The derivative is taken from the output where that is cheaper (sigmoid: y (1 - y); tanh: 1 - y^2;
    softmax: y * (dJ/dy - sum(dJ/dy * y))), so only what the rule reads is kept.

    Args:
        activation: a name or function from `layerwise.activations`.
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input (glu: half of it along its axis).

    Example:
        >>> import numpy as np
        >>> Activation("relu")(np.array([[-1.0, 2.0]]))
        array([[0., 2.]], dtype=float32)

    References:
        Lecture 001 (back propagation: the non-linear layer has no parameters).
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    @property
    def output_activation(self):
        return self.activation

    def forward(self, x, training=False):
        self.x = x if self.activation.reads == "input" else None
        self.y = self.activation.forward(x)
        return self.y

    def backward(self, dy):
        return self.activation.backward(dy, self.x, self.y)

    def backward_preactivation(self, dz):
        return dz

    def compute_output_shape(self, input_shape):
        return self.activation.compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}
