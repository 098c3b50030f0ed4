"""The ONNX exporter registry: no ONNX import here, so layer modules may register at import time."""

_LAYER_EXPORTERS: dict = {}
_ACTIVATION_EXPORTERS: dict = {}


def onnx_exporter(class_name):
    """Register ``function(layer, graph, x) -> output name`` as the ONNX exporter of ``class_name``.

    The exporter of a class also serves its subclasses unless they register their own (lookup goes
    along the MRO). ``graph`` is an `layerwise.export.onnx_graph.OnnxGraph`; ``x`` is the name of the
    input tensor (a list of names for a layer or model with several inputs).
    """
    def register(function):
        _LAYER_EXPORTERS[class_name] = function
        return function
    return register


def activation_exporter(name):
    """Register ``function(graph, x, **kwargs) -> output name`` for the activation function ``name``."""
    def register(function):
        _ACTIVATION_EXPORTERS[name] = function
        return function
    return register


def find_exporter(cls):
    """The exporter registered for ``cls`` or its nearest base class, or None."""
    for base in cls.__mro__:
        if base.__name__ in _LAYER_EXPORTERS:
            return _LAYER_EXPORTERS[base.__name__]
    return None


def find_activation_exporter(name):
    return _ACTIVATION_EXPORTERS.get(name)
