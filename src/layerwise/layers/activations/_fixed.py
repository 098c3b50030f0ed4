"""Activation layers that fix one argument of an activation function (slope, alpha, axis)."""

from layerwise import activations
from layerwise.layers.core.activation import Activation


class FixedActivation(Activation):
    """An `Activation` layer for one named function whose keyword arguments are its config."""

    function_name = None

    def __init__(self, name=None, dtype=None, trainable=True, input_shape=None, input_dim=None, **arguments):
        super().__init__(activations.get(self.function_name, **arguments), name=name, dtype=dtype,
                         trainable=trainable, input_shape=input_shape, input_dim=input_dim)

    def get_config(self):
        config = super().get_config()
        del config["activation"]
        return {**config, **self.activation.kwargs}
