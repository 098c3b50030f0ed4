"""ONNX exporters of the recurrent layers: SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU operators.

Keras's layout (N, T, d) becomes ONNX's (T, N, d); W (d, gu) and U (u, gu) become W^T and U^T with
the gates in ONNX's order (LSTM: Keras [i, f, c, o] -> ONNX [i, o, f, c]; GRU [z, r, h] is the same;
reset_after is linear_before_reset=1). go_backwards reverses the input in time and runs forward, as
the layer does, so the returned sequence stays in processing order. Dropout is off at inference.
"""

import numpy as np

from layerwise.errors import ExportError
from layerwise.export.registry import onnx_exporter
from layerwise.layers import Bidirectional, GRU, LSTM, SimpleRNN, TimeDistributed

# layerwise activation -> (ONNX RNN activation, its activation_alpha/beta values).
_ACTIVATIONS = {"tanh": ("Tanh", ()), "sigmoid": ("Sigmoid", ()), "relu": ("Relu", ()),
                "softsign": ("Softsign", ()), "softplus": ("Softplus", ()),
                "hard_sigmoid": ("HardSigmoid", (1.0 / 6.0, 0.5))}
_INT64_MIN = -(2 ** 63)


def _refuse_unless_exportable(layer, graph, activations):
    def refuse(reason):
        raise ExportError(f"to_onnx: layer '{layer.name}' ({type(layer).__name__}) {reason}")
    if graph.mask_source is not None:
        refuse(f"receives the step mask of layer '{graph.mask_source}'; ONNX's recurrent operators take "
               "sequence lengths, not per-step masks")
    if layer.stateful or layer.return_state:
        refuse("is stateful or returns its states; only a stateless single-output layer exports")
    for activation in activations:
        if activation.name not in _ACTIVATIONS or activation.kwargs:
            refuse(f"uses the activation {activation.name!r}{activation.kwargs or ''}, which ONNX's recurrent "
                   f"operators lack; supported: {sorted(_ACTIVATIONS)}")


def _recurrent(layer, graph, x, op_type, gate_order, bias, activations, **attributes):
    """Run ``op_type`` over x (N, T, d) and return (N, T, u) or (N, u) as the layer does."""
    _refuse_unless_exportable(layer, graph, activations)
    u = layer.units

    def onnx_matrix(kernel):  # (rows, gates * u) -> (1, gates * u, rows) in ONNX's gate order
        blocks = [kernel[:, k * u:(k + 1) * u] for k in gate_order]
        return np.concatenate(blocks, axis=1).T[None]

    time_major = graph.node("Transpose", x, perm=[1, 0, 2])
    if layer.go_backwards:
        time_major = graph.node("Slice", [time_major, graph.constant([-1], "starts", dtype="int64"),
                                          graph.constant([_INT64_MIN], "ends", dtype="int64"),
                                          graph.constant([0], "axes", dtype="int64"),
                                          graph.constant([-1], "steps", dtype="int64")])
    inputs = [time_major, graph.constant(onnx_matrix(layer.kernel.value), f"{layer.name}/W"),
              graph.constant(onnx_matrix(layer.recurrent_kernel.value), f"{layer.name}/R")]
    if bias is not None:
        inputs.append(graph.constant(np.concatenate([onnx_matrix(b[None])[0, :, 0] for b in bias])[None],
                                     f"{layer.name}/B"))
    alpha_beta = [value for a in activations for value in _ACTIVATIONS[a.name][1]]
    if alpha_beta:
        attributes.update(activation_alpha=alpha_beta[0::2], activation_beta=alpha_beta[1::2])
    sequence = graph.node(op_type, inputs, hidden_size=u,
                          activations=[_ACTIVATIONS[a.name][0] for a in activations], **attributes)
    if layer.return_sequences:  # Y (T, 1, N, u) -> (N, T, u)
        return graph.node("Transpose", graph.node("Squeeze", [sequence, graph.constant([1], "axes",
                                                                                       dtype="int64")]),
                          hint=layer.name, perm=[1, 0, 2])
    last = graph.node("Gather", [sequence, graph.constant(-1, "last", dtype="int64")], axis=0)
    return graph.node("Squeeze", [last, graph.constant([0], "axes", dtype="int64")], hint=layer.name)


def _biases(layer, count):
    """The input and recurrent biases ONNX adds (zeros where the layer has none)."""
    if not layer.use_bias:
        return None
    bias = layer.bias.value.reshape(-1, layer.gates * layer.units)
    return list(bias) + [np.zeros_like(bias[0])] * (count - len(bias))


@onnx_exporter(SimpleRNN)
def _simple_rnn(layer, graph, x):
    return _recurrent(layer, graph, x, "RNN", [0], _biases(layer, 2), [layer.activation])


@onnx_exporter(LSTM)
def _lstm(layer, graph, x):
    activations = [layer.recurrent_activation, layer.activation, layer.activation]
    return _recurrent(layer, graph, x, "LSTM", [0, 3, 1, 2], _biases(layer, 2), activations)


@onnx_exporter(GRU)
def _gru(layer, graph, x):
    return _recurrent(layer, graph, x, "GRU", [0, 1, 2], _biases(layer, 2),
                      [layer.recurrent_activation, layer.activation], linear_before_reset=int(layer.reset_after))


@onnx_exporter(Bidirectional)
def _bidirectional(layer, graph, x):
    forward, backward = graph.layer(layer.forward_layer, x), graph.layer(layer.backward_layer, x)
    if layer.return_sequences:  # the backward layer's sequence runs from the last step: put it in time order
        backward = graph.node("Slice", [backward, graph.constant([-1], "starts", dtype="int64"),
                                        graph.constant([_INT64_MIN], "ends", dtype="int64"),
                                        graph.constant([1], "axes", dtype="int64"),
                                        graph.constant([-1], "steps", dtype="int64")])
    if layer.merge_mode == "concat":
        return graph.node("Concat", [forward, backward], hint=layer.name, axis=-1)
    if layer.merge_mode == "ave":
        return graph.node("Mul", [graph.node("Add", [forward, backward]), graph.constant(0.5)], hint=layer.name)
    return graph.node({"sum": "Add", "mul": "Mul"}[layer.merge_mode], [forward, backward], hint=layer.name)


@onnx_exporter(TimeDistributed)
def _time_distributed(layer, graph, x):
    # (N, T, ...) -> (N T, ...) -> the wrapped layer -> (N, T, ...), with N and T read from x's shape.
    rest = layer.input_spec[1:]
    merged = graph.node("Reshape", [x, graph.constant([-1, *rest], "shape", dtype="int64")])
    y = graph.layer(layer.layer, merged)
    leading = graph.node("Slice", [graph.node("Shape", x), graph.constant([0], "starts", dtype="int64"),
                                   graph.constant([2], "ends", dtype="int64")])
    inner = layer.layer.compute_output_shape((None, *rest))[1:]
    shape = graph.node("Concat", [leading, graph.constant(inner, "shape", dtype="int64")], axis=0)
    return graph.node("Reshape", [y, shape], hint=layer.name)
