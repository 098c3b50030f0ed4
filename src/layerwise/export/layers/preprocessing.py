"""ONNX exporters of the preprocessing layers: the random augmentations are the identity at inference (RandomCrop a
centred crop and resize), Rescaling and Normalization are affine maps with constants, crops are slices and a resize is
two products with its interpolation matrices."""

import numpy as np

from layerwise import config
from layerwise.errors import ExportError
from layerwise.export.registry import onnx_exporter
from layerwise.layers import (AutoContrast, CategoryEncoding, CenterCrop, Discretization, Equalization, IntegerLookup,
                              Normalization, Pipeline, RandomCrop, Rescaling, Resizing)
from layerwise.ops.resize import aspect_crop_box, resize_matrix
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


def _crop(layer, graph, x, top, left, height, width):
    return graph.node("Slice", [x, graph.constant([top, left], "starts", dtype="int64"),
                                graph.constant([top + height, left + width], "ends", dtype="int64"),
                                graph.constant([1, 2], "axes", dtype="int64")], hint=f"{layer.name}/crop")


def _crop_and_resize(layer, graph, x, box, interpolation):
    """The window ``box`` of x resized to the layer's size: (N, h, w, C) = R_h x R_wᵀ, as channels-first products."""
    top, left, height, width = box
    x = graph.node("Transpose", _crop(layer, graph, x, top, left, height, width), perm=[0, 3, 1, 2])
    rows = graph.constant(resize_matrix(height, layer.height, interpolation, graph.dtype), f"{layer.name}/rows")
    columns = graph.constant(resize_matrix(width, layer.width, interpolation, graph.dtype).T, f"{layer.name}/columns")
    x = graph.node("MatMul", [graph.node("MatMul", [rows, x]), columns])
    return graph.node("Transpose", x, hint=layer.name, perm=[0, 2, 3, 1])


@onnx_exporter(Resizing)
def _resizing(layer, graph, x):
    height, width = layer.input_spec[:2]
    box = aspect_crop_box(height, width, layer.height, layer.width) if layer.crop_to_aspect_ratio else (
        0, 0, height, width)
    return _crop_and_resize(layer, graph, x, box, layer.interpolation)


@onnx_exporter(RandomCrop)
def _random_crop(layer, graph, x):
    height, width = layer.input_spec[:2]
    return _crop_and_resize(layer, graph, x, aspect_crop_box(height, width, layer.height, layer.width), "bilinear")


@onnx_exporter(CenterCrop)
def _center_crop(layer, graph, x):
    height, width = layer.input_spec[:2]
    top, left = (height - layer.height) // 2, (width - layer.width) // 2
    return graph.node("Identity", _crop(layer, graph, x, top, left, layer.height, layer.width), hint=layer.name)


@onnx_exporter(AutoContrast)
def _auto_contrast(layer, graph, x):
    low, high = (graph.reduce(op, x, [1, 2], keepdims=True) for op in ("ReduceMin", "ReduceMax"))
    spread = graph.node("Sub", [high, low])
    constant = graph.node("Equal", [spread, graph.constant(0.0)])
    safe = graph.node("Where", [constant, graph.constant(1.0), spread])
    stretched = graph.node("Div", [graph.node("Sub", [x, low]), safe])
    lower, upper = layer.value_range
    y = graph.node("Add", [graph.node("Mul", [stretched, graph.constant(upper - lower)]), graph.constant(lower)])
    return graph.node("Where", [constant, x, y], hint=layer.name)


@onnx_exporter(Equalization)
def _equalization(layer, graph, x):
    # The layer's own steps (`equalize`): bins as a one-hot (N, H, W, C, bins), its sums the histograms, CumSum the
    # cumulative ones, and the lookup a sum of the one-hot times the table.
    low, high = layer.value_range
    bins = layer.bins
    pixels = graph.node("Mul", [graph.node("Sub", [x, graph.constant(low)]), graph.constant(255 / (high - low))])
    scaled = graph.node("Mul", [pixels, graph.constant((bins - 1) / 255)])
    index = graph.node("Floor", graph.node("Clip", [scaled, graph.constant(0.0), graph.constant(bins - 1.0)]))
    index = graph.node("Unsqueeze", [index, graph.constant([-1], "axes", dtype="int64")])
    one_hot = graph.node("Cast", graph.node("Equal", [index, graph.constant(np.arange(bins), "bins")]),
                         to=graph.tensor_dtype)
    histogram = graph.reduce("ReduceSum", one_hot, [1, 2], keepdims=True)
    cdf = graph.node("CumSum", [histogram, graph.constant(-1, "axis", dtype="int64")])
    total = graph.reduce("ReduceMax", cdf, [-1], keepdims=True)
    positive = graph.node("Greater", [cdf, graph.constant(0.0)])
    lowest = graph.reduce("ReduceMin", graph.node("Where", [positive, cdf, total]), [-1], keepdims=True)
    spread = graph.node("Sub", [total, lowest])
    safe = graph.node("Where", [graph.node("Equal", [spread, graph.constant(0.0)]), graph.constant(1.0), spread])
    table = graph.node("Div", [graph.node("Mul", [graph.node("Sub", [cdf, lowest]), graph.constant(255.0)]), safe])
    table = graph.node("Clip", [graph.node("Round", table), graph.constant(0.0), graph.constant(255.0)])
    equalized = graph.reduce("ReduceSum", graph.node("Mul", [one_hot, table]), [-1])
    mapped = graph.node("Mul", [equalized, graph.constant((high - low) / 255)])
    mapped = graph.node("Add", [mapped, graph.constant(low)])
    occupied = graph.reduce("ReduceSum", graph.node("Cast", graph.node("Greater", [histogram, graph.constant(0.0)]),
                                                    to=graph.tensor_dtype), [-1])
    flat = graph.node("Less", [occupied, graph.constant(1.5)])
    return graph.node("Where", [flat, x, mapped], hint=layer.name)


def _indicator(graph, values, table):
    """(..., len(table)): whether each entry of ``values`` equals each entry of ``table``, as 0/1 floats."""
    expanded = graph.node("Unsqueeze", [values, graph.constant([-1], "axes", dtype="int64")])
    return graph.node("Cast", graph.node("Equal", [expanded, graph.constant(table, "table")]), to=graph.tensor_dtype)


def _encode(layer, graph, indices):
    """`layerwise.ops.categorical.encode` of float indices (-1: left out) for the layer's output mode and depth."""
    mode, depth, sample = layer.output_mode, layer.depth, layer.input_spec
    if mode == "int":
        return graph.node("Identity", indices, hint=layer.name)
    if mode == "one_hot":
        if len(sample) >= 1 and sample[-1] == 1:
            indices = graph.node("Squeeze", [indices, graph.constant([-1], "axes", dtype="int64")])
        return graph.node("Identity", _indicator(graph, indices, np.arange(depth)), hint=layer.name)
    if len(sample) == 0:
        indices = graph.node("Unsqueeze", [indices, graph.constant([-1], "axes", dtype="int64")])
    counts = graph.reduce("ReduceSum", _indicator(graph, indices, np.arange(depth)), [-2])
    if mode == "multi_hot":
        counts = graph.node("Min", [counts, graph.constant(1.0)])
    return graph.node("Identity", counts, hint=layer.name)


@onnx_exporter(Discretization)
def _discretization(layer, graph, x):
    # The bin index counts the boundaries at or below x (NumPy's digitize, as the layer).
    expanded = graph.node("Unsqueeze", [x, graph.constant([-1], "axes", dtype="int64")])
    below = graph.node("GreaterOrEqual", [expanded, graph.constant(layer.bin_boundaries, "boundaries")])
    indices = graph.reduce("ReduceSum", graph.node("Cast", below, to=graph.tensor_dtype), [-1])
    return _encode(layer, graph, indices)


@onnx_exporter(CategoryEncoding)
def _category_encoding(layer, graph, x):
    return _encode(layer, graph, graph.node("Round", x))


@onnx_exporter(IntegerLookup)
def _integer_lookup(layer, graph, x):
    # Tokens are compared as floats of the model's dtype (exact up to 2**24 in float32), as the layer's own call
    # on float inputs; a lookup is a sum of indicator times table.
    tokens = np.array(layer.get_vocabulary(), dtype=np.int64)
    if np.any(tokens.astype(graph.dtype).astype(np.int64) != tokens):
        raise ExportError(f"to_onnx: layer '{layer.name}' (IntegerLookup) has tokens that {graph.dtype} cannot hold "
                          "exactly (beyond 2**24 in float32): export a float64 model")
    ids = graph.node("Round", x)
    if layer.invert:
        table = np.array(layer.get_vocabulary(), dtype=np.float64)
        hits = _indicator(graph, ids, np.arange(len(table)))
        found = graph.reduce("ReduceSum", hits, [-1])
        tokens = graph.reduce("ReduceSum", graph.node("Mul", [hits, graph.constant(table, "tokens")]), [-1])
        inside = graph.node("Greater", [found, graph.constant(0.0)])
        return _encode(layer, graph, graph.node("Where", [inside, tokens, graph.constant(float(layer.oov_token))]))
    buckets = graph.constant(float(max(layer.num_oov_indices, 1)))
    remainder = graph.node("Sub", [ids, graph.node("Mul", [graph.node("Floor", graph.node("Div", [ids, buckets])),
                                                          buckets])])
    indices = graph.node("Add", [remainder, graph.constant(float(layer.mask_slots))])
    if len(layer.tokens):
        hits = _indicator(graph, ids, layer.tokens.astype(np.float64))
        positions = layer.first_token + np.arange(len(layer.tokens), dtype=np.float64)
        found = graph.reduce("ReduceSum", hits, [-1])
        position = graph.reduce("ReduceSum", graph.node("Mul", [hits, graph.constant(positions, "positions")]), [-1])
        indices = graph.node("Where", [graph.node("Greater", [found, graph.constant(0.0)]), position, indices])
    if layer.mask_token is not None:
        masked = graph.node("Equal", [ids, graph.constant(float(layer.mask_token))])
        indices = graph.node("Where", [masked, graph.constant(0.0 if layer.output_mode == "int" else -1.0), indices])
    return _encode(layer, graph, indices)


@onnx_exporter(Pipeline)
def _pipeline(layer, graph, x):
    for inner in layer.layers:
        x = graph.layer(inner, x)
    return graph.node("Identity", x, hint=layer.name)
