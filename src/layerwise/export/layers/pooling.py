"""ONNX exporters of the pooling layers."""

from layerwise.export.registry import onnx_exporter
from layerwise.layers import (AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D,
                              StochasticPooling2D)
from layerwise.export.spatial import fixed_spatial, window_attributes
from layerwise.layers import AdaptiveAveragePooling2D, AdaptiveMaxPooling2D
from layerwise.layers._spatial import as_image_tuple
from layerwise.ops.resize import adaptive_average_matrix, adaptive_windows


@onnx_exporter(StochasticPooling2D)
def _stochastic_pooling2d(layer, graph, x):
    # Inference is the probability-weighted pool s = sum a^2 / sum a over each window (0 for a zero
    # window): crop to whole windows, view them as (N, H', ph, W', pw, C) and reduce over ph and pw.
    h, w, c = layer.input_spec
    (ph, pw), (ho, wo) = layer.pool_size, (h // layer.pool_size[0], w // layer.pool_size[1])
    if (ho * ph, wo * pw) != (h, w):
        x = graph.node("Slice", [x, graph.constant([0, 0], "starts", dtype="int64"),
                                 graph.constant([ho * ph, wo * pw], "ends", dtype="int64"),
                                 graph.constant([1, 2], "axes", dtype="int64")])
    windows = graph.node("Reshape", [x, graph.constant([0, ho, ph, wo, pw, c], f"{layer.name}/windows",
                                                       dtype="int64")])
    total = graph.reduce("ReduceSum", windows, [2, 4])
    squares = graph.reduce("ReduceSum", graph.node("Mul", [windows, windows]), [2, 4])
    zero = graph.constant(0.0)
    return graph.node("Where", [graph.node("Greater", [total, zero]), graph.node("Div", [squares, total]), zero],
                      hint=layer.name)


def _window_pool(op_type, **fixed):
    def export(layer, graph, x):
        geometry = layer._geometry(layer._image_tuple(fixed_spatial(layer)))
        return graph.channels_first(op_type, x, (), layer.rank, hint=layer.name, **fixed,
                                    kernel_shape=list(geometry.kernel_size[2 - layer.rank:]),
                                    **window_attributes(geometry, layer.rank, dilations=False))
    return export


# MaxPool never picks a padded position; count_include_pad=0 divides by the unpadded count, as the layer.
# MaxPooling1D is a MaxPooling2D subclass of rank 1.
onnx_exporter(MaxPooling2D)(_window_pool("MaxPool"))
onnx_exporter(AveragePooling2D)(_window_pool("AveragePool", count_include_pad=0))


def _global_pool(op_type):
    def export(layer, graph, x):
        return graph.reduce(op_type, x, list(range(1, layer.rank + 1)), keepdims=layer.keepdims, hint=layer.name)
    return export


onnx_exporter(GlobalMaxPooling2D)(_global_pool("ReduceMax"))
onnx_exporter(GlobalAveragePooling2D)(_global_pool("ReduceMean"))


@onnx_exporter(AdaptiveAveragePooling2D)
def _adaptive_average_pooling(layer, graph, x):
    # A_h x A_wᵀ on channels-first images; a sequence (N, L, C) is the image (N, 1, L, C).
    spatial = as_image_tuple(layer.input_spec[:-1], layer.rank)
    rows, columns = (adaptive_average_matrix(source, target, graph.dtype) for source, target in
                     zip(spatial, as_image_tuple(layer.output_size, layer.rank)))
    if layer.rank == 1:
        x = graph.node("Unsqueeze", [x, graph.constant([1], "axes", dtype="int64")])
    x = graph.node("Transpose", x, perm=[0, 3, 1, 2])
    x = graph.node("MatMul", [graph.node("MatMul", [graph.constant(rows, f"{layer.name}/rows"), x]),
                              graph.constant(columns.T, f"{layer.name}/columns")])
    x = graph.node("Transpose", x, perm=[0, 2, 3, 1])
    if layer.rank == 1:
        x = graph.node("Squeeze", [x, graph.constant([1], "axes", dtype="int64")])
    return graph.node("Identity", x, hint=layer.name)


@onnx_exporter(AdaptiveMaxPooling2D)
def _adaptive_max_pooling(layer, graph, x):
    # Gather each axis's windows (T, w) and reduce them with a maximum; a sequence (N, L, C) is pooled on axis 1 only.
    spatial = layer.input_spec[:-1]
    for axis, (source, target) in enumerate(zip(spatial, layer.output_size), start=1):
        windows = graph.constant(adaptive_windows(source, target), f"{layer.name}/windows", dtype="int64")
        x = graph.reduce("ReduceMax", graph.node("Gather", [x, windows], axis=axis), [axis + 1])
    return graph.node("Identity", x, hint=layer.name)
