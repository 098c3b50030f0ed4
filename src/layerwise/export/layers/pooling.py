"""ONNX exporters of the pooling layers."""

import numpy as np

from layerwise.export.registry import onnx_exporter
from layerwise.layers import (AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D,
                              StochasticPooling2D)
from layerwise.export.spatial import fixed_spatial
from layerwise.layers import AdaptiveAveragePooling2D, AdaptiveMaxPooling2D
from layerwise.ops.conv import padding_amounts
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
        pads = [padding_amounts(n, k, s, 1, layer.padding)
                for n, k, s in zip(fixed_spatial(layer), layer.pool_size, layer.strides)]
        return graph.channels_first(op_type, x, (), layer.rank, hint=layer.name, **fixed,
                                    kernel_shape=list(layer.pool_size), strides=list(layer.strides),
                                    pads=[before for before, _ in pads] + [after for _, after in pads])
    return export


# MaxPool never picks a padded position; count_include_pad=0 divides by the unpadded count, as the layer.
# MaxPooling1D and MaxPooling3D are MaxPooling2D subclasses of rank 1 and 3 (AveragePooling alike).
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
    # One averaging matrix per spatial axis: move the axis last, multiply by Aᵀ, move it back.
    rank = layer.rank + 2
    for axis, (source, target) in enumerate(zip(layer.input_spec[:-1], layer.output_size), start=1):
        to_last = [a for a in range(rank) if a != axis] + [axis]
        average = adaptive_average_matrix(source, target, graph.dtype)
        x = graph.node("MatMul", [graph.node("Transpose", x, perm=to_last),
                                  graph.constant(average.T, f"{layer.name}/average{axis}")])
        x = graph.node("Transpose", x, perm=[int(a) for a in np.argsort(to_last)])
    return graph.node("Identity", x, hint=layer.name)


@onnx_exporter(AdaptiveMaxPooling2D)
def _adaptive_max_pooling(layer, graph, x):
    # Gather each axis's windows (T, w) and reduce them with a maximum; a sequence (N, L, C) is pooled on axis 1 only.
    spatial = layer.input_spec[:-1]
    for axis, (source, target) in enumerate(zip(spatial, layer.output_size), start=1):
        windows = graph.constant(adaptive_windows(source, target), f"{layer.name}/windows", dtype="int64")
        x = graph.reduce("ReduceMax", graph.node("Gather", [x, windows], axis=axis), [axis + 1])
    return graph.node("Identity", x, hint=layer.name)
