"""The ONNX exporter registries: no ONNX import here, so registering costs nothing at import time.

Layer (and model) exporters are keyed by class, activation exporters by the activation's name; each
key takes one exporter (`layerwise.utils.registry.Registry`), so a second one raises instead of
silently replacing the first.
"""

from layerwise.utils.registry import Registry

_LAYER_EXPORTERS = Registry("ONNX exporter of")
_ACTIVATION_EXPORTERS = Registry("ONNX exporter of the activation")


def onnx_exporter(layer_class):
    """Register ``function(layer, graph, x) -> output name`` as the ONNX exporter of ``layer_class``.

    The exporter of a class also serves its subclasses unless they register their own (lookup goes
    along the MRO). ``graph`` is an `layerwise.export.onnx_graph.OnnxGraph`; ``x`` is the name of the
    input tensor (a list of names for a layer or model with several inputs).

    Raises:
        TypeError: ``layer_class`` is not a class (exporters were once registered by class name).
        ValueError: ``layer_class`` already has a different exporter.

    Example:
        A layer written with ``call`` that doubles its input, exported as one ONNX ``Mul`` node and run by
        onnx's reference evaluator:

        >>> import numpy as np
        >>> import layerwise
        >>> from onnx.reference import ReferenceEvaluator
        >>> from layerwise.export import to_onnx
        >>> class TimesTwo(layerwise.layers.Layer):
        ...     def call(self, x):
        ...         return 2 * x
        >>> @onnx_exporter(TimesTwo)
        ... def export_times_two(layer, graph, x):
        ...     return graph.node("Mul", [x, graph.constant(np.array(2.0), f"{layer.name}/two")], hint=layer.name)
        >>> proto = to_onnx(layerwise.Sequential([layerwise.Input((2,)), TimesTwo()]))
        >>> [node.op_type for node in proto.graph.node]
        ['Mul', 'Identity']
        >>> ReferenceEvaluator(proto).run(None, {"input": np.array([[1.0, -3.0]], "float32")})[0].tolist()
        [[2.0, -6.0]]
    """
    if not isinstance(layer_class, type):
        raise TypeError(f"onnx_exporter: expected the layer class itself, received {layer_class!r}")

    def register(function):
        _LAYER_EXPORTERS[layer_class] = function
        return function
    return register


def activation_exporter(name):
    """Register ``function(graph, x, hint, **kwargs) -> output name`` for the activation function ``name``.

    Raises:
        ValueError: ``name`` already has a different exporter.

    Example:
        A custom activation f(x) = x^3 (`layerwise.activations.ActivationFunction`, with its gradient
        3 x^2) exported as x * (x * x):

        >>> import numpy as np
        >>> import layerwise
        >>> from onnx.reference import ReferenceEvaluator
        >>> from layerwise.activations import ActivationFunction
        >>> from layerwise.export import to_onnx
        >>> cube = ActivationFunction("cube", lambda x, out=None: x ** 3, lambda dy, x, y: 3 * dy * x ** 2, "input")
        >>> @activation_exporter("cube")
        ... def export_cube(graph, x, hint):
        ...     return graph.node("Mul", [x, graph.node("Mul", [x, x])], hint=hint)
        >>> dense = layerwise.layers.Dense(2, activation=cube, kernel_initializer="identity")
        >>> proto = to_onnx(layerwise.Sequential([layerwise.Input((2,)), dense]))
        >>> [node.op_type for node in proto.graph.node]
        ['MatMul', 'Add', 'Mul', 'Mul', 'Identity']
        >>> ReferenceEvaluator(proto).run(None, {"input": np.array([[1.0, -2.0]], "float32")})[0].tolist()
        [[1.0, -8.0]]
    """
    def register(function):
        _ACTIVATION_EXPORTERS[name] = function
        return function
    return register


def find_exporter(cls):
    """The exporter registered for ``cls`` or its nearest base class, or None."""
    return next((_LAYER_EXPORTERS[base] for base in cls.__mro__ if base in _LAYER_EXPORTERS), None)


def find_activation_exporter(name):
    return _ACTIVATION_EXPORTERS.get(name)
