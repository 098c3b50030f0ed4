"""ONNX exporters of the convolution layers: ONNX Conv and ConvTranspose on a channels-first view.

Padding ("same", "causal") is written out as explicit ``pads`` from the layer's own `ConvGeometry`,
so the graph pads exactly as the layer does (Keras's extra row or column at the end). Conv1D and
DepthwiseConv2D are Conv2D subclasses whose ``_kernel_2d`` gives a grouped 2-D kernel (kh, kw, C/g, F).
"""

from layerwise.export.registry import onnx_exporter
from layerwise.layers import Conv2D, Conv2DTranspose
from layerwise.export.spatial import fixed_spatial, window_attributes


def _with_bias(layer, graph, kernel):
    inputs = [graph.constant(kernel, f"{layer.name}/kernel")]
    if layer.use_bias:
        inputs.append(graph.constant(layer.bias.value, f"{layer.name}/bias"))
    return inputs


@onnx_exporter(Conv2D)
def _conv(layer, graph, x):
    geometry = layer.geometry(layer._as_image_tuple(fixed_spatial(layer)), layer.groups)
    kernel = layer._kernel_2d(layer.kernel.value).transpose(3, 2, 0, 1)  # (F, C/g, kh, kw)
    if layer.rank == 1:
        kernel = kernel[:, :, 0]
    z = graph.channels_first("Conv", x, _with_bias(layer, graph, kernel), layer.rank, group=geometry.groups,
                             **window_attributes(geometry, layer.rank))
    return graph.activation(layer.activation, z, hint=layer.name)


@onnx_exporter(Conv2DTranspose)
def _conv_transpose(layer, graph, x):
    # ONNX's output size s (n - 1) + (k - 1) d + 1 - pads falls short of the layer's by output_padding.
    input_hw = fixed_spatial(layer)
    output_hw = layer._output_hw(input_hw)
    geometry = layer.geometry(output_hw, 1)
    attributes = window_attributes(geometry, 2)
    attributes["output_padding"] = [
        out - (s * (n - 1) + (k - 1) * d + 1 - before - after)
        for out, n, k, s, d, (before, after) in zip(output_hw, input_hw, geometry.kernel_size, geometry.strides,
                                                     geometry.dilation, geometry.pads)]
    z = graph.channels_first("ConvTranspose", x,
                             _with_bias(layer, graph, layer.kernel.value.transpose(3, 2, 0, 1)), 2, **attributes)
    return graph.activation(layer.activation, z, hint=layer.name)
