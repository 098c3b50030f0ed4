"""Wrapper: the base class of the layers that hold another layer and call it (Keras's ``keras.layers.Wrapper``)."""

from layerwise.layers import serialization
from layerwise.layers.base import Layer


class Wrapper(Layer):
    """A layer that wraps ``layer``: it holds it as ``self.layer``, lists it in `sublayers` (so that setting
    ``trainable`` and flattening a model reach it), takes its dtype unless told otherwise, and saves it in its
    config, serialized, to be rebuilt by `from_config`. A subclass writes the call: f(x) = g(layer, x), and its
    backward runs the wrapped layer's backward (dJ/dθ of the wrapped weights accumulate in their own grads).

    Wrapper is abstract: it has no forward of its own (`TimeDistributed`, `Bidirectional` and
    `SpectralNormalization` are its subclasses).

    Args:
        layer: the wrapped `Layer` instance.
        **kwargs: `Layer` arguments (dtype defaults to the wrapped layer's).

    Example:
        >>> from layerwise.layers import Dense, TimeDistributed
        >>> wrapper = TimeDistributed(Dense(2, name="inner"))
        >>> isinstance(wrapper, Wrapper), wrapper.get_config()["layer"]["config"]["name"]
        (True, 'inner')

    References:
        Keras ``keras.layers.Wrapper``.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"{type(self).__name__}: layer must be a Layer instance, received {layer!r}")
        kwargs.setdefault("dtype", layer.dtype.name)
        super().__init__(**kwargs)
        self.layer = layer

    def build_wrapped(self, input_shape):
        """Build the wrapped layer for ``input_shape`` unless it is built, and take its weights as this layer's."""
        if not self.layer.built:
            self.layer.build_for(input_shape)
        self._parameters = list(self.layer.weights)

    def sublayers(self):
        return [self.layer]

    def get_config(self):
        return {**super().get_config(), "layer": serialization.serialize(self.layer)}

    @classmethod
    def from_config(cls, config):
        """Rebuild the wrapper, and the wrapped layer from its serialized config."""
        return cls(**{**config, "layer": serialization.deserialize(config["layer"])})
