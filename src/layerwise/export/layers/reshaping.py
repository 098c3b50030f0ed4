"""ONNX exporters of the reshaping layers (channels-last, so no transposes)."""

from layerwise.export.registry import onnx_exporter
from layerwise.layers import (Cropping1D, Cropping2D, Cropping3D, Permute, RepeatVector, UpSampling1D, UpSampling2D,
                              UpSampling3D, ZeroPadding1D, ZeroPadding2D, ZeroPadding3D)
from layerwise.export.spatial import fixed_spatial

_INT64_MAX = 2 ** 63 - 1


@onnx_exporter(Cropping2D)
def _cropping2d(layer, graph, x):
    (top, bottom), (left, right) = layer.cropping
    ends = [-bottom if bottom else _INT64_MAX, -right if right else _INT64_MAX]
    return graph.node("Slice", [x, graph.constant([top, left], "starts", dtype="int64"),
                                graph.constant(ends, "ends", dtype="int64"),
                                graph.constant([1, 2], "axes", dtype="int64")], hint=layer.name)


@onnx_exporter(ZeroPadding2D)
def _zero_padding2d(layer, graph, x):
    (top, bottom), (left, right) = layer.padding
    pads = graph.constant([0, top, left, 0, 0, bottom, right, 0], "pads", dtype="int64")
    return graph.node("Pad", [x, pads], hint=layer.name)


@onnx_exporter(UpSampling2D)
def _up_sampling2d(layer, graph, x):
    # Nearest neighbour: repeat each pixel sh x sw times by broadcasting (N, H, 1, W, 1, C).
    (h, w, c), (sh, sw) = fixed_spatial(layer) + (layer.input_spec[-1],), layer.size
    x = graph.node("Unsqueeze", [x, graph.constant([2, 4], "axes", dtype="int64")])
    x = graph.node("Expand", [x, graph.constant([1, 1, sh, 1, sw, 1], "repeats", dtype="int64")])
    return graph.node("Reshape", [x, graph.constant([0, h * sh, w * sw, c], "shape", dtype="int64")],
                      hint=layer.name)


@onnx_exporter(Cropping1D)
def _cropping1d(layer, graph, x):
    left, right = layer.cropping
    return graph.node("Slice", [x, graph.constant([left], "starts", dtype="int64"),
                                graph.constant([-right if right else _INT64_MAX], "ends", dtype="int64"),
                                graph.constant([1], "axes", dtype="int64")], hint=layer.name)


@onnx_exporter(ZeroPadding1D)
def _zero_padding1d(layer, graph, x):
    left, right = layer.padding
    return graph.node("Pad", [x, graph.constant([0, left, 0, 0, right, 0], "pads", dtype="int64")], hint=layer.name)


@onnx_exporter(UpSampling1D)
def _up_sampling1d(layer, graph, x):
    # Each step repeated s times: broadcast (N, L, 1, C) to (N, L, s, C), then merge the two step axes.
    steps, channels = layer.input_spec
    x = graph.node("Unsqueeze", [x, graph.constant([2], "axes", dtype="int64")])
    x = graph.node("Expand", [x, graph.constant([1, 1, layer.size, 1], "repeats", dtype="int64")])
    return graph.node("Reshape", [x, graph.constant([0, steps * layer.size, channels], "shape", dtype="int64")],
                      hint=layer.name)


@onnx_exporter(RepeatVector)
def _repeat_vector(layer, graph, x):
    x = graph.node("Unsqueeze", [x, graph.constant([1], "axes", dtype="int64")])
    return graph.node("Expand", [x, graph.constant([1, layer.n, 1], "repeats", dtype="int64")], hint=layer.name)


@onnx_exporter(Permute)
def _permute(layer, graph, x):
    return graph.node("Transpose", x, hint=layer.name, perm=[0, *layer.dims])


@onnx_exporter(Cropping3D)
def _cropping3d(layer, graph, x):
    ends = [-after if after else _INT64_MAX for _, after in layer.cropping]
    return graph.node("Slice", [x, graph.constant([before for before, _ in layer.cropping], "starts", dtype="int64"),
                                graph.constant(ends, "ends", dtype="int64"),
                                graph.constant([1, 2, 3], "axes", dtype="int64")], hint=layer.name)


@onnx_exporter(ZeroPadding3D)
def _zero_padding3d(layer, graph, x):
    before, after = zip(*layer.padding)
    pads = graph.constant([0, *before, 0, 0, *after, 0], "pads", dtype="int64")
    return graph.node("Pad", [x, pads], hint=layer.name)


@onnx_exporter(UpSampling3D)
def _up_sampling3d(layer, graph, x):
    # Each voxel repeated s_d x s_h x s_w times by broadcasting (N, D, 1, H, 1, W, 1, C).
    (depth, height, width, channels), (sd, sh, sw) = layer.input_spec, layer.size
    x = graph.node("Unsqueeze", [x, graph.constant([2, 4, 6], "axes", dtype="int64")])
    x = graph.node("Expand", [x, graph.constant([1, 1, sd, 1, sh, 1, sw, 1], "repeats", dtype="int64")])
    return graph.node("Reshape", [x, graph.constant([0, depth * sd, height * sh, width * sw, channels], "shape",
                                                    dtype="int64")], hint=layer.name)
