"""Pipeline: preprocessing layers applied one after the other, as one layer."""

from layerwise.layers import serialization
from layerwise.layers.base import Layer


class Pipeline(Layer):
    """y = f_L(... f_2(f_1(x))): each layer called on the previous one's output with the same ``training`` (so the
    augmentations among them run only in training); dJ/dx runs their backward passes in reverse, and each layer's
    weights receive their gradients as they would alone. Unlike `Sequential`, a plain layer (Keras 3's
    ``keras.layers.Pipeline``). Called on a dict {"images": ..., "labels": ...}, it hands the dict to the layers that
    mix labels (`MixUp`, `CutMix`) and the images alone to the others, and returns a dict.

    Args:
        layers: the layers, in order (or their serialized configs).
        **kwargs: `Layer` arguments.

    Input shape:
        The first layer's.

    Output shape:
        The last layer's output shape for the chain of shapes.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import RandomFlip, Rescaling
        >>> pipeline = Pipeline([Rescaling(1 / 255), RandomFlip(seed=0)])
        >>> pipeline(np.full((1, 2, 2, 1), 255.0))[0, :, :, 0]  # inference: the flip is the identity
        array([[1., 1.],
               [1., 1.]], dtype=float32)

    References:
        Keras ``keras.layers.Pipeline``.
    """

    def __init__(self, layers, **kwargs):
        layers = [serialization.deserialize(layer) if isinstance(layer, dict) else layer for layer in layers]
        wrong = [type(layer).__name__ for layer in layers if not isinstance(layer, Layer)]
        if wrong or not layers:
            raise ValueError(f"Pipeline: layers must be a non-empty list of layers, received {wrong or layers!r}")
        super().__init__(**kwargs)
        self.layers = layers
        self.calls = []

    def build(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            if not layer.built:
                layer.build_for(shape)
            shape = layer.compute_output_shape(shape)
        self._parameters = [weight for layer in self.layers for weight in layer.weights]

    def sublayers(self):
        return list(self.layers)

    def __call__(self, x, training=None, **kwargs):
        if not isinstance(x, dict):
            return super().__call__(x, training=training, **kwargs)
        for layer in self.layers:
            x = layer(x, training=training) if getattr(layer, "takes_labels", False) else {
                **x, "images": layer(x["images"], training=training)}
        return x

    def forward(self, x, training=False):
        self.calls = [layer.new_call() for layer in self.layers]
        for index, call in enumerate(self.calls):
            x = call(x, training=training, input_gradient=self.needs_input_gradient or index > 0)
        self.activity_penalty = sum(call.activity_penalty for call in self.calls)
        return x

    def backward(self, dy):
        for call in reversed(self.calls):
            dy = call.backward(call.activity_backward(dy))
        return dy

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self):
        return {**super().get_config(), "layers": [serialization.serialize(layer) for layer in self.layers]}
