"""ONNX exporters of the normalization layers, in elementary operators (any axis, any rank).

BatchNormalization at inference is affine in x: y = x a + b with a = gamma / sqrt(var_moving + eps)
and b = beta - mu_moving a, folded into two constants. Layer, group and instance normalization
standardize with their own statistics: x_hat = (x - mean) / sqrt(mean((x - mean)^2) + eps).
"""

import numpy as np

from layerwise.export.registry import onnx_exporter
from layerwise.layers import (BatchNormalization, GroupNormalization, LayerNormalization, RMSNormalization,
                              SpectralNormalization, UnitNormalization)


def _affine(layer, graph, x_hat):
    """x_hat gamma + beta, with gamma and beta broadcast along the layer's parameter axes."""
    if layer.scale:
        x_hat = graph.node("Mul", [x_hat, graph.constant(layer.gamma.value.reshape(layer.broadcast_shape),
                                                         f"{layer.name}/gamma")])
    if layer.center:
        x_hat = graph.node("Add", [x_hat, graph.constant(layer.beta.value.reshape(layer.broadcast_shape),
                                                         f"{layer.name}/beta")])
    return graph.node("Identity", x_hat, hint=layer.name)


def _standardize(layer, graph, x, axes):
    centered = graph.node("Sub", [x, graph.reduce("ReduceMean", x, axes, keepdims=True)])
    variance = graph.reduce("ReduceMean", graph.node("Mul", [centered, centered]), axes, keepdims=True)
    std = graph.node("Sqrt", graph.node("Add", [variance, graph.constant(layer.epsilon)]))
    return graph.node("Div", [centered, std])


@onnx_exporter(BatchNormalization)
def _batch_normalization(layer, graph, x):
    inv_std = 1.0 / np.sqrt(layer.moving_variance.value.astype(np.float64) + layer.epsilon)
    scale = inv_std * layer.gamma.value if layer.scale else inv_std
    shift = -layer.moving_mean.value * scale
    if layer.center:
        shift = shift + layer.beta.value
    y = graph.node("Mul", [x, graph.constant(scale.reshape(layer.broadcast_shape), f"{layer.name}/scale")])
    return graph.node("Add", [y, graph.constant(shift.reshape(layer.broadcast_shape), f"{layer.name}/shift")],
                      hint=layer.name)


@onnx_exporter(LayerNormalization)
def _layer_normalization(layer, graph, x):
    return _affine(layer, graph, _standardize(layer, graph, x, layer.param_axes))


@onnx_exporter(GroupNormalization)
def _group_normalization(layer, graph, x):
    # As the layer: channels last, split into (..., G, C/G), statistics over the spatial axes and C/G.
    shape = [None, *layer.input_spec]
    channel_axis, rank = layer.param_axes[0], len(shape)
    perm = list(range(rank))
    perm[channel_axis], perm[-1] = perm[-1], perm[channel_axis]
    swapped = [shape[p] for p in perm]
    if channel_axis != rank - 1:
        x = graph.node("Transpose", x, perm=perm)
    grouped = graph.constant([0, *swapped[1:-1], layer.group_count, -1], "grouped", dtype="int64")
    x_hat = _standardize(layer, graph, graph.node("Reshape", [x, grouped]), [*range(1, rank - 1), rank])
    x_hat = graph.node("Reshape", [x_hat, graph.constant([0, *swapped[1:]], "shape", dtype="int64")])
    if channel_axis != rank - 1:
        x_hat = graph.node("Transpose", x_hat, perm=perm)
    return _affine(layer, graph, x_hat)


@onnx_exporter(UnitNormalization)
def _unit_normalization(layer, graph, x):
    rank = len(layer.input_spec) + 1
    axes = [a % rank for a in (layer.axis if isinstance(layer.axis, list) else [layer.axis])]
    squares = graph.reduce("ReduceSum", graph.node("Mul", [x, x]), axes, keepdims=True)
    norms = graph.node("Sqrt", graph.node("Max", [squares, graph.constant(1e-12)]))
    return graph.node("Div", [x, norms], hint=layer.name)


@onnx_exporter(RMSNormalization)
def _rms_normalization(layer, graph, x):
    axis = layer.axis % (len(layer.input_spec) + 1)
    mean_square = graph.reduce("ReduceMean", graph.node("Mul", [x, x]), [axis], keepdims=True)
    rms = graph.node("Sqrt", graph.node("Add", [mean_square, graph.constant(layer.epsilon)]))
    scale = graph.constant(layer.scale.value.reshape(layer.broadcast_shape[1:]), f"{layer.name}/scale")
    return graph.node("Mul", [graph.node("Div", [x, rms]), scale], hint=layer.name)


@onnx_exporter(SpectralNormalization)
def _spectral_normalization(layer, graph, x):
    # Inference: the wrapped layer with the constant kernel W / sigma, sigma = ||u Wᵀ|| from the stored u (a call
    # of its own, so exporting leaves the layer as it was).
    return graph.layer(layer.new_call().normalized_call(training=False), x)
