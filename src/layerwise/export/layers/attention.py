"""ONNX exporters of the attention layers (inference: no dropout; step masks do not reach list-input nodes of
a graph, so only a node's fixed ``use_causal_mask`` is exported): scores, Softmax over the last axis, MatMul
with the values; the multi-head projections as Einsum nodes with the layers' own equations."""

import math

import numpy as np

from layerwise.errors import ExportError
from layerwise.export.registry import onnx_exporter
from layerwise.layers import AdditiveAttention, Attention, GroupQueryAttention, MultiHeadAttention


def _pair(graph, query, key):
    """q_t + k_j of shape (N, T, S, d), by broadcasting (N, T, 1, d) against (N, 1, S, d)."""
    return graph.node("Add", [graph.node("Unsqueeze", [query, graph.constant([2], "axis", dtype="int64")]),
                              graph.node("Unsqueeze", [key, graph.constant([1], "axis", dtype="int64")])])


def _masked(layer, graph, scores, use_causal_mask):
    """The scores with those of later key steps set to -1e9 under ``use_causal_mask``, as `attend` does."""
    if not use_causal_mask:
        return scores
    queries, keys = (None if None in spec[:-1] else math.prod(spec[:-1]) for spec in layer.input_spec[:2])
    if queries is None or keys is None:
        raise ExportError(f"to_onnx: layer '{layer.name}' ({type(layer).__name__}) uses a causal mask over steps "
                          "of free length; export it built for fixed lengths")
    causal = np.arange(keys)[None, :] <= np.arange(queries)[:, None]
    return graph.node("Where", [graph.constant(causal, f"{layer.name}/causal_mask", dtype=bool), scores,
                                graph.constant(-1e9)])


@onnx_exporter(Attention)
@onnx_exporter(AdditiveAttention)
def _attention(layer, graph, inputs, use_causal_mask=False):
    query, value = inputs[:2]
    key = inputs[2] if len(inputs) == 3 else value
    scale = None if layer.scale is None else graph.constant(layer.scale.value, f"{layer.name}/scale")
    if layer.dot_product:
        scaled = query if scale is None else graph.node("Mul", [query, scale])
        scores = graph.node("MatMul", [scaled, graph.node("Transpose", key, perm=[0, 2, 1])])
    elif isinstance(layer, AdditiveAttention):
        tanh = graph.node("Tanh", _pair(graph, query, key))
        scores = graph.reduce("ReduceSum", tanh if scale is None else graph.node("Mul", [tanh, scale]), [-1])
    else:
        pair = _pair(graph, query, key)
        tanh = graph.node("Tanh", pair if scale is None else graph.node("Mul", [pair, scale]))
        weight = graph.constant(layer.concat_score_weight.value, f"{layer.name}/concat_score_weight")
        scores = graph.node("Mul", [graph.reduce("ReduceSum", tanh, [-1]), weight])
    weights = graph.node("Softmax", _masked(layer, graph, scores, use_causal_mask), axis=-1)
    return graph.node("MatMul", [weights, value], hint=layer.name)


def _project(layer, graph, name, x):
    kernel, bias = layer.projections[name]
    z = graph.node("Einsum", [x, graph.constant(kernel.value, f"{layer.name}/{name}_kernel")],
                   equation=layer.plans[name].forward)
    return z if bias is None else graph.node("Add", [z, graph.constant(bias.value, f"{layer.name}/{name}_bias")])


def _heads(layer, graph, z, heads, dim):
    """(N, *steps, heads, dim) -> (N, heads, steps, dim) with each key/value head repeated for its group."""
    shape = graph.constant([0, -1, heads, dim], "heads_shape", dtype="int64")
    z = graph.node("Transpose", graph.node("Reshape", [z, shape]), perm=[0, 2, 1, 3])
    repeats = layer.num_heads // heads
    if repeats == 1:
        return z
    # (N, heads, 1, S, dim) broadcast to (N, heads, repeats, S, dim): head h serves query heads h*r .. h*r+r-1.
    grouped = graph.node("Expand", [graph.node("Unsqueeze", [z, graph.constant([2], "axis", dtype="int64")]),
                                    graph.constant([1, 1, repeats, 1, 1], "repeats", dtype="int64")])
    return graph.node("Reshape", [grouped, graph.constant([0, layer.num_heads, -1, dim], "heads_shape",
                                                          dtype="int64")])


@onnx_exporter(MultiHeadAttention)
@onnx_exporter(GroupQueryAttention)
def _multi_head_attention(layer, graph, inputs, use_causal_mask=False):
    query, value = inputs[:2]
    key = inputs[2] if len(inputs) == 3 else value
    q = _heads(layer, graph, _project(layer, graph, "query", query), layer.num_heads, layer.key_dim)
    k = _heads(layer, graph, _project(layer, graph, "key", key), layer.num_key_value_heads, layer.key_dim)
    v = _heads(layer, graph, _project(layer, graph, "value", value), layer.num_key_value_heads, layer.value_dim)
    q = graph.node("Mul", [q, graph.constant(1.0 / math.sqrt(layer.key_dim))])
    scores = graph.node("MatMul", [q, graph.node("Transpose", k, perm=[0, 1, 3, 2])])
    weights = graph.node("Softmax", _masked(layer, graph, scores, use_causal_mask), axis=-1)
    heads = graph.node("Transpose", graph.node("MatMul", [weights, v]), perm=[0, 2, 1, 3])
    # Back to the query's step axes: (N, *steps, heads, value_dim).
    steps = graph.node("Slice", [graph.node("Shape", query), graph.constant([0], "start", dtype="int64"),
                                 graph.constant([-1], "end", dtype="int64")])
    combined = graph.node("Reshape", [heads, graph.node("Concat", [steps, graph.constant(
        [layer.num_heads, layer.value_dim], "heads_shape", dtype="int64")], axis=0)])
    return graph.node("Identity", _project(layer, graph, "output", combined), hint=layer.name)
