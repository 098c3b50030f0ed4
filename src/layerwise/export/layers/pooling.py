"""ONNX exporters of the pooling layers."""

from layerwise.export.registry import onnx_exporter
from layerwise.layers import AveragePooling2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPooling2D, StochasticPooling2D
from layerwise.export.spatial import fixed_spatial, window_attributes


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
