"""Lambda: a function of `layerwise.ops` used as a layer, its backward derived from the record of each call."""

import importlib

from layerwise.layers.base import Layer
from layerwise.utils.registry import get_registered_name, get_registered_object


#: The modules whose public functions a saved Lambda may name (nothing else is looked up from a file).
_MODULES = ("layerwise.ops", "layerwise.activations")


def _public(module):
    """The functions of ``module`` a Lambda may name: the ops of `layerwise.ops.__all__`, the activation
    functions of `layerwise.activations` (the names its ``get`` knows)."""
    loaded = importlib.import_module(module)
    if module == "layerwise.ops":
        return set(loaded.__all__) - {"Tensor"}
    return {name for name, value in vars(loaded).items() if callable(value) and _is_activation(loaded, name)}


def _is_activation(activations, name):
    try:
        activations.get(name)
    except ValueError:
        return False
    return True


def _function_name(function, layer):
    """The name ``function`` is saved under: its registered name, or "module:name" for a public function of
    `layerwise.ops` or `layerwise.activations`."""
    registered = get_registered_name(function)
    if get_registered_object(registered) is function:
        return registered
    for module in _MODULES:
        name = getattr(function, "__name__", "")
        if name in _public(module) and getattr(importlib.import_module(module), name) is function:
            return f"{module}:{name}"
    raise ValueError(
        f"Lambda '{layer.name}': its function {function!r} cannot be saved by name, and layerwise never saves code "
        "(a model file must not execute anything when loaded): register it with "
        "@layerwise.saving.register_keras_serializable(), or write the layer as a class")


def _resolve(name, custom_objects=None):
    found = get_registered_object(name, custom_objects)
    if found is not None:
        return found
    module, _, attribute = str(name).partition(":")
    found = getattr(importlib.import_module(module), attribute) if module in _MODULES and attribute in _public(
        module) else None
    if not callable(found) or isinstance(found, type):
        raise ValueError(f"Lambda: unknown function {name!r}; register it with "
                         "@layerwise.saving.register_keras_serializable() or pass it in custom_objects")
    return found


class Lambda(Layer):
    """y = f(x, **arguments) for a function f written with `layerwise.ops` (Keras's ``Lambda``).

    The backward pass is derived from the record of each call: every op f uses brings its own rule, so
    dJ/dx is exact without writing it. A NumPy function without a differentiable twin in `layerwise.ops`
    is refused by name at the first call.

    Args:
        function: f, called as ``function(inputs, **arguments)`` (inputs: an array, or a list for several).
        output_shape: the output shape without the batch axis, or a function of the input shape; found by
            calling f on one sample of zeros when None.
        mask: unused, as in Keras 3 (masks flow through the graph).
        arguments: keyword arguments of f.

    Saving: a model file never holds code, so f is saved by name: a function registered with
    `layerwise.saving.register_keras_serializable`, or one of layerwise's own (``layerwise.ops.relu``).
    A Python ``lambda`` works in memory; saving it is refused with that advice (Keras marshals its bytecode,
    which a file must never make us execute).

    Input shape:
        Any, as f takes it.

    Output shape:
        Whatever f returns.

    Example:
        >>> import numpy as np
        >>> from layerwise import ops
        >>> squash = Lambda(lambda x: x / (1.0 + ops.abs(x)))
        >>> squash(np.array([[1.0, -3.0]]))
        array([[ 0.5 , -0.75]], dtype=float32)
        >>> squash.backward(np.ones((1, 2), dtype="float32"))   # 1 / (1 + |x|)^2
        array([[0.25  , 0.0625]], dtype=float32)

    References:
        Keras ``keras.layers.Lambda``.
    """

    #: f is the user's, and may draw random numbers or keep state.
    independent_batches = False

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda '{self.name}': function must be callable, received {function!r}")
        self.function, self.output_shape, self.mask = function, output_shape, mask
        self.arguments = dict(arguments or {})

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def compute_output_shape(self, input_shape):
        if self.output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self.output_shape):
            return tuple(self.output_shape(input_shape))
        return (input_shape[0],) + tuple(self.output_shape)

    def get_config(self):
        return {**super().get_config(), "function": _function_name(self.function, self),
                "output_shape": None if self.output_shape is None else _function_name(self.output_shape, self)
                if callable(self.output_shape) else list(self.output_shape), "arguments": self.arguments}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["function"] = _resolve(config["function"], custom_objects)
        if isinstance(config.get("output_shape"), str):
            config["output_shape"] = _resolve(config["output_shape"], custom_objects)
        return cls(**config)
