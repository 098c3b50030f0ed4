"""ONNX exporters of the activation layers.

LeakyReLU, ELU and Softmax are `Activation` subclasses, so the Activation exporter
(`layerwise.export.layers.core`) serves them.
"""

from layerwise.export.registry import onnx_exporter
from layerwise.layers import PReLU, ReLU


@onnx_exporter(ReLU)
def _relu(layer, graph, x):
    if layer.threshold == 0:
        y = (graph.node("Relu", x) if layer.negative_slope == 0
             else graph.node("LeakyRelu", x, alpha=layer.negative_slope))
    else:
        threshold = graph.constant(layer.threshold)
        below = graph.node("Less", [x, threshold])
        leak = graph.node("Mul", [graph.node("Sub", [x, threshold]), graph.constant(layer.negative_slope)])
        y = graph.node("Where", [below, leak, x])
    if layer.max_value is not None:
        y = graph.node("Min", [y, graph.constant(layer.max_value)])
    return graph.node("Identity", y, hint=layer.name)


@onnx_exporter(PReLU)
def _prelu(layer, graph, x):
    return graph.node("PRelu", [x, graph.constant(layer.alpha.value, f"{layer.name}/alpha")], hint=layer.name)
