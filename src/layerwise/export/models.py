"""ONNX exporters of the models: a Sequential's layers in order, a functional Model's call nodes in
topological order."""

from layerwise.errors import ExportError
from layerwise.export.registry import onnx_exporter
from layerwise.models import Model, Sequential


@onnx_exporter(Model)
def _functional(model, graph, x):
    if not (model.single_input and model.single_output):
        raise ExportError(f"to_onnx: model '{model.name}' has {len(model.inputs)} inputs and "
                          f"{len(model.outputs)} outputs; to_onnx exports one input and one output")
    names = {model.inputs[0]: x}
    for node in model.nodes:
        arguments = [names[t] for t in node.inputs]
        names[node] = graph.layer(node.layer, arguments if node.list_call else arguments[0])
    return names[model.outputs[0]]


@onnx_exporter(Sequential)
def _sequential(model, graph, x):
    for layer in model.layers:
        x = graph.layer(layer, x)
    return x
