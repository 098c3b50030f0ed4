"""ONNX exporters of Maxout, Embedding and Masking (the other core layers' are in `layerwise.export.builtin`)."""

from layerwise.export.registry import onnx_exporter


@onnx_exporter("Maxout")
def _maxout(layer, graph, x):
    # Split the channel axis into (units, pieces) and take the maximum over the pieces.
    shape = (None, *layer.input_spec)
    axis = layer._channel_axis(shape)
    grouped = [0, *shape[1:axis], layer.num_units, shape[axis] // layer.num_units, *shape[axis + 1:]]
    x = graph.node("Reshape", [x, graph.constant(grouped, f"{layer.name}/grouped", dtype="int64")])
    return graph.reduce("ReduceMax", x, [axis + 1], hint=layer.name)


@onnx_exporter("Embedding")
def _embedding(layer, graph, x):
    # Ids arrive in the model's float dtype; Round is half-to-even like the layer's np.rint.
    ids = graph.node("Cast", graph.node("Round", x), to=7)  # 7: INT64
    if layer.mask_zero:
        graph.mask_source = layer.name
    return graph.node("Gather", [graph.constant(layer.embeddings.value, f"{layer.name}/embeddings"), ids],
                      hint=layer.name, axis=0)


@onnx_exporter("Masking")
def _masking(layer, graph, x):
    # y = x * m, m_t = any_k(x_tk != mask_value): the maximum of the 0/1 differences over features.
    differs = graph.node("Not", graph.node("Equal", [x, graph.constant(layer.mask_value)]))
    keep = graph.reduce("ReduceMax", graph.node("Cast", differs, to=graph.tensor_dtype), [-1], keepdims=True)
    graph.mask_source = layer.name
    return graph.node("Mul", [x, keep], hint=layer.name)
