"""ONNX exporter of the functional Model (and so of Sequential, its linear case): its call nodes in
topological order, a nested model exported in place through its own exporter."""

from layerwise.errors import ExportError
from layerwise.export.registry import onnx_exporter
from layerwise.models import Functional


@onnx_exporter(Functional)
def _functional(model, graph, x):
    if not (model.single_input and model.single_output):
        raise ExportError(f"to_onnx: model '{model.name}' has {len(model.inputs)} inputs and "
                          f"{len(model.outputs)} outputs; to_onnx exports one input and one output")
    names = {model.inputs[0]: x}
    for node in model.nodes:
        if not node.single_output:
            raise ExportError(f"to_onnx: layer '{node.layer.name}' of model '{model.name}' has "
                              f"{len(node.outputs)} outputs; to_onnx exports layers of one output")
        arguments = [names[t] for t in node.inputs]
        names[node.outputs[0]] = graph.layer(node.layer, arguments if node.list_call else arguments[0],
                                             **node.arguments)
    return names[model.outputs[0]]

