"""Sequential: a plain stack of layers (lecture 003's Keras model)."""

from layerwise.layers.base import Layer, format_shape, unique_name
from layerwise.layers.core.input_layer import InputLayer
from layerwise.layers.symbolic import SymbolicTensor
from layerwise.layers import serialization
from layerwise.models._container import LayerContainer, layer_title
from layerwise.models.trainer import Trainer
from layerwise.ops._lanes import on_all_cores


class Sequential(LayerContainer, Trainer):
    """A linear stack of layers: x_l = f_l(x_{l-1}) forward, dJ/dx_{l-1} from dJ/dx_l backward.

    Args:
        layers: the layers, in order; may start with `layerwise.Input(shape=...)`.
        name: the model's name.

    Example:
        >>> import layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(784,)), Dense(10, activation="softmax")])
        >>> model.compute_output_shape((None, 784))
        (None, 10)
        >>> model.count_params()
        7850

    References:
        Lecture 003 (``model = Sequential(); model.add(Dense(...))``); lecture 001 (layer-wise
        forward and backward passes).
    """

    def __init__(self, layers=None, name=None):
        self.name = name or unique_name("sequential")
        self.layers = []
        self.input_shape = None
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        """Append a layer (or an `Input`), building it at once when the input shape is known."""
        if isinstance(layer, SymbolicTensor):
            layer = layer.layer
        if isinstance(layer, InputLayer):
            if self.layers or self.input_shape is not None:
                raise ValueError(f"{self.name}: an Input can only come first")
            self.input_shape = (None,) + layer.input_spec
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}.add: expected a Layer, received {type(layer).__name__}")
        if not self.layers and self.input_shape is None and layer.input_shape_hint is not None:
            self.input_shape = (None,) + layer.input_shape_hint
        self.layers.append(layer)
        if self.input_shape is not None:
            self.build(self.input_shape)

    def build(self, input_shape):
        """Build every layer not yet built, threading the shape through the stack."""
        if not self.layers:
            raise ValueError(f"{self.name}: the model has no layers")
        shape = (None,) + tuple(input_shape[1:])
        if self.input_shape is not None and shape != self.input_shape:
            raise ValueError(
                f"Model '{self.name}' expected input of shape {format_shape(self.input_shape)}, "
                f"received {format_shape(shape)}")
        self.input_shape = shape
        for layer in self.layers:
            if not layer.built:
                layer.build_for(shape)
            shape = layer.compute_output_shape(shape)

    @property
    def built(self):
        return bool(self.layers) and all(layer.built for layer in self.layers)

    @property
    def output_layer(self):
        return self.layers[-1]

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
        return shape

    @on_all_cores
    def call(self, x, training=False):
        """Forward pass through every layer, handing a layer's ``output_mask`` to a next that supports masking."""
        mask = None
        for layer in self.layers:
            if mask is not None and getattr(layer, "supports_masking", False):
                x = layer(x, training=training, mask=mask)
            else:
                x = layer(x, training=training)
            mask = getattr(layer, "output_mask", None)
        return x

    __call__ = call

    def backward(self, dy, input_gradient=True):
        """Backward pass: dJ/dy of the output in, dJ/dx of the input out (with activity penalties' dR/dy).

        With ``input_gradient=False`` (training) the pass stops at the first layer with trainable
        weights, which skips computing dJ/dx there, and returns None.
        """
        return self._backward(dy, False, input_gradient)

    def backward_preactivation(self, dz, input_gradient=True):
        """Backward pass from the gradient before the output layer's activation (fused losses)."""
        return self._backward(dz, True, input_gradient)

    @on_all_cores
    def _backward(self, dy, from_preactivation, input_gradient):
        last = len(self.layers) - 1
        stop = 0 if input_gradient else next(
            (i for i, layer in enumerate(self.layers) if layer.trainable_weights), last)
        for index in range(last, stop - 1, -1):
            layer = self.layers[index]
            layer.needs_input_gradient = input_gradient or index > stop
            try:
                if index == last and from_preactivation:
                    dy = layer.backward_preactivation(dy)
                else:
                    dy = layer.backward(layer.activity_backward(dy))
            finally:
                layer.needs_input_gradient = True
        return dy if input_gradient else None

    def summary(self, print_fn=print):
        """Print the layer table (name, type, output shape, parameter count) as Keras does."""
        if self.input_shape is None:
            raise ValueError(f"{self.name}.summary: the model is not built; give it an Input or call it on data")
        rows, shape = [], self.input_shape
        for layer in self.layers:
            shape = layer.compute_output_shape(shape)
            rows.append((layer_title(layer), format_shape(shape), f"{layer.count_params():,}"))
        self.print_summary(rows, print_fn)

    def get_config(self):
        config = {"name": self.name, "layers": [serialization.serialize(layer) for layer in self.layers]}
        if self.input_shape is not None:
            config["input_shape"] = list(self.input_shape[1:])
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"))
        if config.get("input_shape") is not None:
            model.input_shape = (None,) + tuple(config["input_shape"])
        for layer_config in config["layers"]:
            model.add(serialization.deserialize(layer_config, custom_objects))
        return model
