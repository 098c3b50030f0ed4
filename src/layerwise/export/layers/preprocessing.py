"""ONNX exporters of the preprocessing layers: the random augmentations are the identity at inference,
Rescaling and Normalization are affine maps with constants."""

import numpy as np

from layerwise import config
from layerwise.export.registry import onnx_exporter
from layerwise.layers import Normalization, Rescaling
from layerwise.layers.preprocessing._augmentation import RandomLayer


@onnx_exporter(RandomLayer)
def _identity_at_inference(layer, graph, x):
    return graph.node("Identity", x, hint=layer.name)


@onnx_exporter(Rescaling)
def _rescaling(layer, graph, x):
    y = graph.node("Mul", [x, graph.constant(layer.scale, f"{layer.name}/scale")])
    return graph.node("Add", [y, graph.constant(layer.offset, f"{layer.name}/offset")], hint=layer.name)


@onnx_exporter(Normalization)
def _normalization(layer, graph, x):
    # The layer's own constants: std = max(sqrt(var), epsilon), in its dtype.
    mean = graph.constant(layer.adapt_mean.value.reshape(layer.broadcast_shape), f"{layer.name}/mean")
    std = np.maximum(np.sqrt(layer.adapt_variance.value), config.epsilon()).reshape(layer.broadcast_shape)
    std = graph.constant(std, f"{layer.name}/std")
    if layer.invert:
        return graph.node("Add", [graph.node("Mul", [x, std]), mean], hint=layer.name)
    return graph.node("Div", [graph.node("Sub", [x, mean]), std], hint=layer.name)
