"""ONNX exporters of the merge layers: one variadic or binary operator over the input list."""

from layerwise.export.registry import onnx_exporter
from layerwise.layers import Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract


def _variadic(op_type):
    def export(layer, graph, inputs):
        return graph.node(op_type, inputs, hint=layer.name)
    return export


for _class, _op in [(Add, "Sum"), (Maximum, "Max"), (Minimum, "Min"), (Multiply, "Mul"), (Subtract, "Sub")]:
    onnx_exporter(_class)(_variadic(_op))


@onnx_exporter(Average)
def _average(layer, graph, inputs):
    return graph.node("Mul", [graph.node("Sum", inputs), graph.constant(1.0 / len(inputs))], hint=layer.name)


@onnx_exporter(Concatenate)
def _concatenate(layer, graph, inputs):
    return graph.node("Concat", inputs, hint=layer.name, axis=layer._axis(len(layer.input_spec[0]) + 1))
