"""ONNX exporters of the core layers."""

from layerwise.export.registry import onnx_exporter
from layerwise.layers import (Activation, ActivityRegularization, Dense, DenseTranspose, EinsumDense, Embedding,
                              Flatten, Identity, Masking, Maxout, Reshape)


def affine(layer, graph, x, kernel):
    """phi(x V + b) for a Dense-like ``layer`` whose inference multiplies by ``kernel`` = V."""
    z = graph.node("MatMul", [x, graph.constant(kernel, f"{layer.name}/kernel")])
    if layer.use_bias:
        z = graph.node("Add", [z, graph.constant(layer.bias.value, f"{layer.name}/bias")])
    return graph.activation(layer.activation, z, hint=layer.name)


@onnx_exporter(Dense)
def _dense(layer, graph, x):
    return affine(layer, graph, x, layer.kernel.value)


@onnx_exporter(DenseTranspose)
def _dense_transpose(layer, graph, x):
    # The tied kernel is written out transposed, under this layer's name: ONNX has no shared tensors.
    return affine(layer, graph, x, layer.kernel.value.T)


@onnx_exporter(EinsumDense)
def _einsum_dense(layer, graph, x):
    # The plan's equation has its ellipsis spelled out in letters, for the input's rank.
    z = graph.node("Einsum", [x, graph.constant(layer.kernel.value, f"{layer.name}/kernel")],
                   equation=layer.plan.forward)
    if layer.bias is not None:
        z = graph.node("Add", [z, graph.constant(layer.bias.value, f"{layer.name}/bias")])
    return graph.activation(layer.activation, z, hint=layer.name)


@onnx_exporter(Identity)
@onnx_exporter(ActivityRegularization)
def _identity(layer, graph, x):
    return graph.node("Identity", x, hint=layer.name)


@onnx_exporter(Activation)
def _activation(layer, graph, x):
    return graph.activation(layer.activation, x, hint=layer.name)


@onnx_exporter(Flatten)
def _flatten(layer, graph, x):
    return graph.node("Flatten", x, hint=layer.name, axis=1)


@onnx_exporter(Reshape)
def _reshape(layer, graph, x):
    # 0 copies the batch size from the input (allowzero=0, the default).
    shape = graph.constant([0, *layer.target_shape], f"{layer.name}/shape", dtype="int64")
    return graph.node("Reshape", [x, shape], hint=layer.name)


@onnx_exporter(Maxout)
def _maxout(layer, graph, x):
    # Split the channel axis into (units, pieces) and take the maximum over the pieces.
    shape = (None, *layer.input_spec)
    axis = layer._channel_axis(shape)
    grouped = [0, *shape[1:axis], layer.num_units, shape[axis] // layer.num_units, *shape[axis + 1:]]
    x = graph.node("Reshape", [x, graph.constant(grouped, f"{layer.name}/grouped", dtype="int64")])
    return graph.reduce("ReduceMax", x, [axis + 1], hint=layer.name)


@onnx_exporter(Embedding)
def _embedding(layer, graph, x):
    # Ids arrive in the model's float dtype; Round is half-to-even like the layer's np.rint.
    ids = graph.node("Cast", graph.node("Round", x), to=7)  # 7: INT64
    if layer.mask_zero:
        graph.mask_source = layer.name
    return graph.node("Gather", [graph.constant(layer.embeddings.value, f"{layer.name}/embeddings"), ids],
                      hint=layer.name, axis=0)


@onnx_exporter(Masking)
def _masking(layer, graph, x):
    # y = x * m, m_t = any_k(x_tk != mask_value): the maximum of the 0/1 differences over features.
    differs = graph.node("Not", graph.node("Equal", [x, graph.constant(layer.mask_value)]))
    keep = graph.reduce("ReduceMax", graph.node("Cast", differs, to=graph.tensor_dtype), [-1], keepdims=True)
    graph.mask_source = layer.name
    return graph.node("Mul", [x, keep], hint=layer.name)
