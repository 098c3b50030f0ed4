"""ONNX exporters of the convolution layers: ONNX Conv and ConvTranspose on a channels-first view.

Padding ("same", "causal") is written out as explicit ``pads`` from the layer's own `ConvGeometry`,
so the graph pads exactly as the layer does (Keras's extra row or column at the end). Conv1D, Conv3D and
DepthwiseConv2D are Conv2D subclasses whose ``_image_kernel`` gives a grouped kernel (..., C/g, F) of the
image rank (a 1-D layer's images have height 1); ONNX takes the kernel as (F, C/g, ...) over the layer's
own spatial axes. A separable convolution is two ONNX Convs: the depthwise one (C groups), then the 1 x 1
one with the bias.
"""

import numpy as np

from layerwise.export.registry import onnx_exporter
from layerwise.layers import Conv2D, Conv2DTranspose, SeparableConv2D
from layerwise.export.spatial import fixed_spatial, window_attributes


def _onnx_kernel(layer, image_kernel):
    """A kernel (..., a, b) of the layer's image rank as ONNX's (b, a, ...) over the layer's spatial axes."""
    kernel = np.moveaxis(image_kernel, (-1, -2), (0, 1))
    return kernel[:, :, 0] if layer.rank == 1 else kernel


def _with_bias(layer, graph, kernel, name="kernel"):
    inputs = [graph.constant(kernel, f"{layer.name}/{name}")]
    if layer.use_bias:
        inputs.append(graph.constant(layer.bias.value, f"{layer.name}/bias"))
    return inputs


@onnx_exporter(Conv2D)
def _conv(layer, graph, x):
    geometry = layer.geometry(layer._as_image_tuple(fixed_spatial(layer)), layer.groups)
    kernel = _onnx_kernel(layer, layer._image_kernel(layer.kernel.value))  # (F, C/g, ...)
    z = graph.channels_first("Conv", x, _with_bias(layer, graph, kernel), layer.rank, group=geometry.groups,
                             **window_attributes(geometry, layer.rank))
    return graph.activation(layer.activation, z, hint=layer.name)


@onnx_exporter(Conv2DTranspose)
def _conv_transpose(layer, graph, x):
    # ONNX's output size s (n - 1) + (k - 1) d + 1 - pads falls short of the layer's by output_padding.
    input_hw = fixed_spatial(layer)
    output_hw = layer._output_hw(input_hw)
    geometry = layer.geometry(layer._as_image_tuple(output_hw), 1)
    attributes = window_attributes(geometry, layer.rank)
    axes = slice(len(geometry.kernel_size) - layer.rank, None)
    attributes["output_padding"] = [
        out - (s * (n - 1) + (k - 1) * d + 1 - before - after)
        for out, n, k, s, d, (before, after) in zip(output_hw, input_hw, geometry.kernel_size[axes],
                                                     geometry.strides[axes], geometry.dilation[axes],
                                                     geometry.pads[axes])]
    kernel = _onnx_kernel(layer, layer._image_kernel(layer.kernel.value))  # (C, F, ...)
    z = graph.channels_first("ConvTranspose", x, _with_bias(layer, graph, kernel), layer.rank, **attributes)
    return graph.activation(layer.activation, z, hint=layer.name)


@onnx_exporter(SeparableConv2D)
def _separable_conv(layer, graph, x):
    spatial = layer._as_image_tuple(fixed_spatial(layer))
    channels = layer.depthwise_kernel.shape[-2]
    depthwise_geometry = layer.geometry(spatial, channels)
    depthwise = _onnx_kernel(layer, layer._depthwise_image_kernel(layer.depthwise_kernel.value))  # (C M, 1, ...)
    pointwise = _onnx_kernel(layer, layer._image_kernel(layer.pointwise_kernel.value))  # (F, C M, 1 ...)
    rank = layer.rank
    first = graph.node("Transpose", x, perm=[0, rank + 1, *range(1, rank + 1)])
    h = graph.node("Conv", [first, graph.constant(depthwise, f"{layer.name}/depthwise_kernel")],
                   group=channels, **window_attributes(depthwise_geometry, rank))
    z = graph.node("Conv", [h, *_with_bias(layer, graph, pointwise, "pointwise_kernel")])
    z = graph.node("Transpose", z, hint=layer.name, perm=[0, *range(2, rank + 2), 1])
    return graph.activation(layer.activation, z, hint=layer.name)
