"""ONNX exporters of the pooling layers."""

from layerwise.export.registry import onnx_exporter


@onnx_exporter("StochasticPooling2D")
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
