"""Sequential: a plain stack of layers (lecture 003's Keras model), run as a linear graph of `Model`'s engine."""

from layerwise.layers.base import Layer, unique_name
from layerwise.layers.core.input_layer import Input, InputLayer
from layerwise.layers.symbolic import SymbolicTensor, format_shape
from layerwise.layers import serialization
from layerwise.models.functional import Functional


class Sequential(Functional):
    """A linear stack of layers: x_l = f_l(x_{l-1}) forward, dJ/dx_{l-1} from dJ/dx_l backward.

    The stack is built into a graph of `Model`'s engine as soon as its input shape is known (from an
    `Input`, a first layer's ``input_shape``, `build`, or the first data it sees), so it runs, nests,
    freezes, saves and exports as any model does. A layer of the stack may itself be a model.

    Args:
        layers: the layers, in order; may start with `layerwise.Input(shape=...)`.
        name: the model's name.
        trainable: False freezes every layer.

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

    single_input = single_output = True

    def __init__(self, layers=None, name=None, trainable=True):
        Layer.__init__(self, name=name or unique_name("sequential"), trainable=trainable)
        self._stack = []
        self._input_shape = None
        self._graph_nodes = []
        self._extend(layers or [])

    def add(self, layer):
        """Append a layer (or an `Input`), building the graph at once when the input shape is known."""
        self._extend([layer])

    def _extend(self, layers):
        """Append the layers, then build the graph once (building after each one is quadratic in depth)."""
        for layer in layers:
            self._append(layer)
        if self._stack and self._input_shape is not None:
            self._build_graph(self._input_shape)

    def _append(self, layer):
        if isinstance(layer, SymbolicTensor):
            layer = layer.layer
        if isinstance(layer, InputLayer):
            if self._stack or self._input_shape is not None:
                raise ValueError(f"{self.name}: an Input can only come first")
            self._input_shape = (None,) + tuple(layer.input_spec)
            return
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}.add: expected a Layer, received {type(layer).__name__}")
        if not self._stack and self._input_shape is None and layer.input_shape_hint is not None:
            self._input_shape = (None,) + tuple(layer.input_shape_hint)
        self._stack.append(layer)
        self.dtype = layer.dtype

    def _build_graph(self, input_shape):
        """Call the stack on a new `Input` of ``input_shape`` and run that graph from now on."""
        for layer, node in self._graph_nodes:
            layer.inbound_nodes.remove(node)
        x = inputs = Input(shape=tuple(input_shape[1:]), dtype=self._stack[0].dtype, name=f"{self.name}_input")
        for layer in self._stack:
            x = layer(x)
            if not isinstance(x, SymbolicTensor):
                raise ValueError(f"{self.name}: layer '{layer.name}' returns {len(x)} tensors; a Sequential "
                                 "needs layers of one output, use the functional Model")
        self._init_graph(inputs, x)
        self._graph_nodes = [(node.layer, node) for node in self.nodes]
        self._input_shape = (None,) + tuple(input_shape[1:])

    @property
    def layers(self):
        """The stacked layers (without the input), as Keras lists them."""
        return list(self._stack)

    @property
    def input_shape(self):
        return self._input_shape

    @property
    def input(self):
        self._require_built("input")
        return super().input

    @property
    def output(self):
        self._require_built("output")
        return super().output

    def _require_built(self, what):
        if not self.built:
            raise AttributeError(f"Sequential '{self.name}' has no {what} yet: give it an Input or call it on data")

    def build(self, input_shape):
        """Build every layer for inputs of ``input_shape``, threading the shape through the stack."""
        if not self._stack:
            raise ValueError(f"{self.name}: the model has no layers")
        shape = (None,) + tuple(input_shape[1:])
        if self.built and shape != self._input_shape:
            raise ValueError(f"Model '{self.name}' expected input of shape {format_shape(self._input_shape)}, "
                             f"received {format_shape(shape)}")
        if not self.built:
            self._build_graph(shape)

    def build_for(self, input_shape):
        if not self.built:
            self.build(input_shape)
        super().build_for(input_shape)

    def prepare_input(self, x):
        if not self.built:
            self.build((None,) + tuple(getattr(x, "shape", ())[1:]))
        return super().prepare_input(x)

    def compute_output_shape(self, input_shape):
        if self.built:
            return super().compute_output_shape(input_shape)
        shape = tuple(input_shape)
        for layer in self._stack:
            shape = layer.compute_output_shape(shape)
        return shape

    def summary_rows(self):
        if not self.built:
            raise ValueError(f"{self.name}.summary: the model is not built; give it an Input or call it on data")
        return [(layer, shape, None) for layer, shape, _ in super().summary_rows()]

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable,
                  "layers": [serialization.serialize(layer) for layer in self._stack]}
        if self._input_shape is not None:
            config["input_shape"] = list(self._input_shape[1:])
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"))
        if config.get("input_shape") is not None:
            model._input_shape = (None,) + tuple(config["input_shape"])
        with serialization.loading_scope():  # a layer may refer to one loaded before it (a tied decoder)
            model._extend([serialization.deserialize(layer_config, custom_objects)
                           for layer_config in config["layers"]])
        model._trainable = config.get("trainable", True)
        return model
