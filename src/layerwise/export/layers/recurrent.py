"""ONNX exporters of the recurrent layers: SimpleRNN, LSTM, GRU and RNN over their cells (SimpleRNNCell, LSTMCell,
GRUCell, one after another for StackedRNNCells) as ONNX's RNN, LSTM and GRU operators; ConvLSTM1D/2D/3D,
which ONNX has no operator for, as a Scan over time of its step (two Conv nodes and the LSTM's gates).

Keras's layout (N, T, d) becomes ONNX's (T, N, d); W (d, gu) and U (u, gu) become W^T and U^T with
the gates in ONNX's order (LSTM: Keras [i, f, c, o] -> ONNX [i, o, f, c]; GRU [z, r, h] is the same;
reset_after is linear_before_reset=1). go_backwards reverses the input in time and runs forward, as
the layer does, so the returned sequence stays in processing order. Dropout is off at inference.
"""

import numpy as np
from onnx import helper

from layerwise.errors import ExportError
from layerwise.export.registry import onnx_exporter
from layerwise.export.spatial import window_attributes
from layerwise.layers import (RNN, Bidirectional, ConvLSTM1D, ConvLSTM2D, ConvLSTM3D, GRUCell, LSTMCell,
                              SimpleRNNCell, StackedRNNCells, TimeDistributed)

# layerwise activation -> (ONNX RNN activation, its activation_alpha/beta values).
_ACTIVATIONS = {"tanh": ("Tanh", ()), "sigmoid": ("Sigmoid", ()), "relu": ("Relu", ()),
                "softsign": ("Softsign", ()), "softplus": ("Softplus", ()),
                "hard_sigmoid": ("HardSigmoid", (1.0 / 6.0, 0.5))}
_INT64_MIN = -(2 ** 63)


def _refuse_unless_exportable(layer, graph, cells):
    def refuse(reason):
        raise ExportError(f"to_onnx: layer '{layer.name}' ({type(layer).__name__}) {reason}")
    if graph.mask_source is not None:
        refuse(f"receives the step mask of layer '{graph.mask_source}'; ONNX's recurrent operators take "
               "sequence lengths, not per-step masks")
    if layer.stateful or layer.return_state:
        refuse("is stateful or returns its states; only a stateless single-output layer exports")
    for cell in cells:
        if not isinstance(cell, (SimpleRNNCell, LSTMCell, GRUCell)):
            refuse(f"runs a {type(cell).__name__}; only SimpleRNNCell, LSTMCell and GRUCell export")
        for activation in _cell_activations(cell):
            if activation.name not in _ACTIVATIONS or activation.kwargs:
                refuse(f"uses the activation {activation.name!r}{activation.kwargs or ''}, which ONNX's "
                       f"recurrent operators lack; supported: {sorted(_ACTIVATIONS)}")


def _cell_activations(cell):
    """The activations of the cell's ONNX operator, in its ``activations`` attribute's order."""
    if isinstance(cell, LSTMCell):
        return [cell.recurrent_activation, cell.activation, cell.activation]
    if isinstance(cell, GRUCell):
        return [cell.recurrent_activation, cell.activation]
    return [cell.activation]


def _biases(cell, count):
    """The input and recurrent biases ONNX adds (zeros where the cell has none)."""
    if not cell.use_bias:
        return None
    bias = cell.bias.value.reshape(-1, cell.gates * cell.units)
    return list(bias) + [np.zeros_like(bias[0])] * (count - len(bias))


def _cell_sequence(cell, graph, time_major):
    """Run the cell's ONNX operator over a (T, N, d) sequence; return its (T, N, u) outputs."""
    u = cell.units
    if isinstance(cell, LSTMCell):
        op_type, gate_order, attributes = "LSTM", [0, 3, 1, 2], {}
    elif isinstance(cell, GRUCell):
        op_type, gate_order, attributes = "GRU", [0, 1, 2], {"linear_before_reset": int(cell.reset_after)}
    else:
        op_type, gate_order, attributes = "RNN", [0], {}

    def onnx_matrix(kernel):  # (rows, gates * u) -> (1, gates * u, rows) in ONNX's gate order
        blocks = [kernel[:, k * u:(k + 1) * u] for k in gate_order]
        return np.concatenate(blocks, axis=1).T[None]

    inputs = [time_major, graph.constant(onnx_matrix(cell.kernel.value), f"{cell.name}/W"),
              graph.constant(onnx_matrix(cell.recurrent_kernel.value), f"{cell.name}/R")]
    bias = _biases(cell, 2)
    if bias is not None:
        inputs.append(graph.constant(np.concatenate([onnx_matrix(b[None])[0, :, 0] for b in bias])[None],
                                     f"{cell.name}/B"))
    activations = _cell_activations(cell)
    alpha_beta = [value for a in activations for value in _ACTIVATIONS[a.name][1]]
    if alpha_beta:
        attributes.update(activation_alpha=alpha_beta[0::2], activation_beta=alpha_beta[1::2])
    sequence = graph.node(op_type, inputs, hidden_size=u, activations=[_ACTIVATIONS[a.name][0] for a in activations],
                          **attributes)
    return graph.node("Squeeze", [sequence, graph.constant([1], "axes", dtype="int64")])  # Y (T, 1, N, u)


@onnx_exporter(RNN)
def _rnn(layer, graph, x):
    """SimpleRNN, LSTM, GRU and RNN over a cell or a stack of cells (one operator per cell, in turn)."""
    cells = layer.cell.cells if isinstance(layer.cell, StackedRNNCells) else [layer.cell]
    _refuse_unless_exportable(layer, graph, cells)
    sequence = graph.node("Transpose", x, perm=[1, 0, 2])
    if layer.go_backwards:
        sequence = graph.node("Slice", [sequence, graph.constant([-1], "starts", dtype="int64"),
                                        graph.constant([_INT64_MIN], "ends", dtype="int64"),
                                        graph.constant([0], "axes", dtype="int64"),
                                        graph.constant([-1], "steps", dtype="int64")])
    for cell in cells:
        sequence = _cell_sequence(cell, graph, sequence)
    if layer.return_sequences:  # (T, N, u) -> (N, T, u)
        return graph.node("Transpose", sequence, hint=layer.name, perm=[1, 0, 2])
    return graph.node("Gather", [sequence, graph.constant(-1, "last", dtype="int64")], hint=layer.name, axis=0)


def _conv_lstm_body(layer, graph, kernel, recurrent_kernel, bias):
    """The Scan body of one ConvLSTM step: (h, c channels-first, x_t channels-last) -> (h, c, y_t)."""
    cell, rank = layer.cell, layer.rank
    body = graph.subgraph()
    h, c, x = (body.fresh(f"{layer.name}/{name}") for name in ("h", "c", "x_t"))
    first = body.node("Transpose", x, perm=[0, rank + 1, *range(1, rank + 1)])
    z_x = body.node("Conv", [first, kernel] + ([bias] if bias else []),
                    **window_attributes(cell.geometry, rank))
    z_h = body.node("Conv", [h, recurrent_kernel], **window_attributes(cell.recurrent_geometry, rank))
    z = body.node("Add", [z_x, z_h])
    f = cell.units

    def gate(k, activation):
        part = body.node("Slice", [z, body.constant([k * f], "starts", dtype="int64"),
                                   body.constant([(k + 1) * f], "ends", dtype="int64"),
                                   body.constant([1], "axes", dtype="int64")])
        return body.activation(activation, part)
    i, forget, g, o = (gate(k, activation) for k, activation in enumerate(
        [cell.recurrent_activation, cell.recurrent_activation, cell.activation, cell.recurrent_activation]))
    c_new = body.node("Add", [body.node("Mul", [forget, c]), body.node("Mul", [i, g])])
    h_new = body.node("Mul", [o, body.activation(cell.activation, c_new)])
    y = body.node("Transpose", h_new, perm=[0, *range(2, rank + 2), 1])
    outputs = [body.node("Identity", t) for t in (h_new, c_new)] + [y]

    def info(name):
        return helper.make_tensor_value_info(name, graph.tensor_dtype, None)
    return helper.make_graph(body.nodes, f"{layer.name}_step", [info(h), info(c), info(x)],
                             [info(name) for name in outputs])


@onnx_exporter(ConvLSTM1D)
@onnx_exporter(ConvLSTM2D)
@onnx_exporter(ConvLSTM3D)
def _conv_lstm(layer, graph, x):
    """A Scan over time (reversed with go_backwards) of one step: two Conv, the gates, and the update."""
    _refuse_unless_exportable(layer, graph, [])
    cell, rank = layer.cell, layer.rank
    to_onnx_kernel = [rank + 1, rank, *range(rank)]  # (*k, C, 4F) -> (4F, C, *k)
    kernel = graph.constant(cell.kernel.value.transpose(to_onnx_kernel), f"{layer.name}/kernel")
    recurrent_kernel = graph.constant(cell.recurrent_kernel.value.transpose(to_onnx_kernel),
                                      f"{layer.name}/recurrent_kernel")
    bias = graph.constant(cell.bias.value, f"{layer.name}/bias") if cell.use_bias else None
    body = _conv_lstm_body(layer, graph, kernel, recurrent_kernel, bias)
    # Zero states (N, F, *S') for the batch size of x.
    batch = graph.node("Slice", [graph.node("Shape", x), graph.constant([0], "starts", dtype="int64"),
                                 graph.constant([1], "ends", dtype="int64")])
    state_shape = (cell.units,) + cell.state_shape[:-1]
    shape = graph.node("Concat", [batch, graph.constant(state_shape, "state_shape", dtype="int64")], axis=0)
    zeros = graph.node("ConstantOfShape", shape, value=helper.make_tensor("zero", graph.tensor_dtype, [1], [0]))
    h, _, sequence = graph.node("Scan", [zeros, zeros, x], hint=layer.name, outputs=3, body=body,
                                num_scan_inputs=1, scan_input_axes=[1],
                                scan_input_directions=[int(layer.go_backwards)], scan_output_axes=[1])
    if layer.return_sequences:
        return sequence
    return graph.node("Transpose", h, hint=layer.name, perm=[0, *range(2, rank + 2), 1])


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
