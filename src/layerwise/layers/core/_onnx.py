"""ONNX exporter of Maxout (the other core layers' exporters are in `layerwise.export.builtin`)."""

from layerwise.export.registry import onnx_exporter


@onnx_exporter("Maxout")
def _maxout(layer, graph, x):
    # Split the channel axis into (units, pieces) and take the maximum over the pieces.
    shape = (None, *layer.input_spec)
    axis = layer._channel_axis(shape)
    grouped = [0, *shape[1:axis], layer.num_units, shape[axis] // layer.num_units, *shape[axis + 1:]]
    x = graph.node("Reshape", [x, graph.constant(grouped, f"{layer.name}/grouped", dtype="int64")])
    return graph.reduce("ReduceMax", x, [axis + 1], hint=layer.name)
