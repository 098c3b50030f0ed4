"""Helpers for exporters of spatial layers (convolution, pooling, reshaping).

Spatial layers keep channels last and view a 1-D input (N, L, C) as an image (N, 1, L, C); their
`layerwise.ops.conv.ConvGeometry` describes that image (or the volume of a 3-D layer). ONNX's operators want
channels first and as many spatial axes as the layer has (see `OnnxGraph.channels_first`).
"""

from layerwise.errors import ExportError


def fixed_spatial(layer) -> tuple:
    """The spatial size the layer was built for; an ExportError naming the layer when it is variable,
    since its padding ("same", "causal") is written out for one size."""
    spatial = tuple(layer.input_spec[:-1])
    if None in spatial:
        raise ExportError(f"to_onnx: layer '{layer.name}' ({type(layer).__name__}) was built for inputs of "
                          f"variable spatial size {spatial}; it exports for a fixed size only")
    return spatial


def window_attributes(geometry, rank, dilations=True) -> dict:
    """ONNX's ``kernel_shape``-less window attributes of ``geometry`` for ``rank`` spatial axes:
    strides, pads as [begin..., end...] (the layer's own padding, explicit) and dilations."""
    axes = slice(len(geometry.kernel_size) - rank, None)
    pads = geometry.pads[axes]
    attributes = {"strides": list(geometry.strides[axes]), "pads": [b for b, _ in pads] + [e for _, e in pads]}
    if dilations:
        attributes["dilations"] = list(geometry.dilation[axes])
    return attributes
