"""RNN: run a recurrent cell over time, trained by backpropagation through time."""

import numpy as np

from layerwise.layers import serialization
from layerwise.layers.base import Layer
from layerwise.layers.core.masking import MaskConsumer
from layerwise.layers.recurrent._cell import RecurrentCell
from layerwise.layers.recurrent.stacked_rnn_cells import StackedRNNCells


class RNN(MaskConsumer, Layer):
    """The time loop of every recurrent layer: (y_t, s_t) = cell(x_t, s_{t-1}) for t = 1..T, s_0 = 0.

    Forward, for x of shape (N, T, d): the cell's steps in order (reversed with ``go_backwards``); the
    output is y_T, or y_1..y_T with ``return_sequences``, and with ``return_state`` also s_T. With a mask
    m (N, T) a masked step keeps the previous state and output: s_t = m_t s~_t + (1 - m_t) s_{t-1},
    y_t = m_t y~_t + (1 - m_t) y_{t-1} (with ``zero_output_for_mask``, the returned sequence is 0 there).
    Backward (BPTT), from the last step down: dJ/dy~_t = m_t (dJ/dy_t + dJ/dy carried from t+1),
    dJ/ds~_t = m_t dJ/ds_t, and (1 - m_t) of each passes on to step t-1 unchanged; the cell's step
    backward turns dJ/dy~_t and dJ/ds~_t into dJ/ds_{t-1} (and dJ/dx_t), and its weight gradients are
    summed over all steps at once (dJ/dW = X^T dJ/dA with A = X W + b, one GEMM; see the cells).

    Args:
        cell: a `SimpleRNNCell`, `LSTMCell`, `GRUCell`, `StackedRNNCells`, or a list of cells (stacked);
            its config also works.
        return_sequences: output y_1..y_T (N, T, output_size) instead of y_T (N, output_size).
        return_state: also return the final states: ``[output, *s_T]`` (call the layer directly; a
            Sequential passes one array between layers). backward then accepts ``[dy, *dJ/ds_T]``.
        go_backwards: process the sequence in reverse (and return the sequence in that order, as Keras).
        stateful: carry the final states of a batch into the next call (truncated BPTT); `reset_states`.
        unroll: accepted for Keras compatibility; the steps always run as a Python loop over time
            (vectorized over the batch), which is what unrolling buys in a graph framework.
        zero_output_for_mask: output 0 rather than the previous output at masked steps of the returned
            sequence (Keras's default False; SimpleRNN, LSTM and GRU use True).
        **kwargs: `Layer` arguments (name, dtype, input_shape, trainable, activity_regularizer).

    Input shape:
        (batch, time, features); an optional ``mask`` (batch, time) from the layer before.

    Output shape:
        (batch, time, output_size) with return_sequences, else (batch, output_size).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import GRUCell, LSTMCell
        >>> RNN(LSTMCell(3), return_sequences=True)(np.ones((2, 5, 4))).shape
        (2, 5, 3)
        >>> output, h1, c1, h2 = RNN([LSTMCell(3), GRUCell(2)], return_state=True)(np.ones((2, 5, 4)))
        >>> output.shape, c1.shape, h2.shape
        ((2, 2), (2, 3), (2, 2))

    References:
        Werbos, "Backpropagation through time: what it does and how to do it", 1990. Keras
        ``keras.layers.RNN``. Lecture 000 (vanishing gradients in recurrent networks); lecture 002.
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, zero_output_for_mask=False, **kwargs):
        if isinstance(cell, dict):
            cell = serialization.deserialize(cell)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not isinstance(cell, (RecurrentCell, StackedRNNCells)):
            raise ValueError(f"{type(self).__name__}: cell must be a recurrent cell (SimpleRNNCell, LSTMCell, "
                             f"GRUCell, StackedRNNCells) or a list of them, received {type(cell).__name__}")
        kwargs.setdefault("dtype", cell.dtype.name)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.zero_output_for_mask = zero_output_for_mask
        # One list for the layer and all its calls (`Layer.new_call`): a call carries its final states
        # into the layer by filling it.
        self.states = []

    #: The rank of the input and its axes, for the error message (a convolutional LSTM reads images).
    input_axes = "(batch, time, features)"

    def build(self, input_shape):
        if len(input_shape) != len(self.input_axes.split(",")):
            raise ValueError(f"{type(self).__name__} '{self.name}': expected input of rank "
                             f"{len(self.input_axes.split(','))} {self.input_axes}, received shape "
                             f"{tuple(input_shape)}")
        step_shape = tuple(input_shape[2:])
        if not self.cell.built:
            self.cell.build_for((None,) + step_shape)
        elif self.cell.input_spec != step_shape:
            raise ValueError(f"{type(self).__name__} '{self.name}': its cell '{self.cell.name}' was built for "
                             f"steps of shape {self.cell.input_spec}, received {step_shape}")
        self._parameters = self.cell.weights

    def sublayers(self):
        return [self.cell]

    @property
    def independent_batches(self):
        return not self.stateful and super().independent_batches

    def new_call(self):
        # What a call's backward needs lives in its cell: each call gets its own (sharing the weights).
        call = super().new_call()
        call.cell = self.cell.new_call()
        return call

    def reset_states(self):
        """Forget the states carried between batches by a ``stateful`` layer."""
        self.states.clear()

    def _initial_states(self, batch):
        if not self.stateful or not self.states:
            return [np.zeros((batch, size), self.dtype) for size in self.cell.flat_state_sizes]
        if self.states[0].shape[0] != batch:
            raise ValueError(f"{type(self).__name__} '{self.name}' is stateful with batch size "
                             f"{self.states[0].shape[0]}, received a batch of {batch}; call reset_states()")
        return self.states

    def _order(self):
        return slice(None, None, -1) if self.go_backwards else slice(None)

    def forward(self, x, training=False, mask=None):
        batch, steps = x.shape[:2]
        cell = self.cell
        self.sequence_shape = (steps, batch)
        inputs = np.ascontiguousarray(np.swapaxes(x, 0, 1)[self._order()])
        self.step_mask = None if mask is None else np.swapaxes(mask, 0, 1)[self._order()][..., None]
        cell.begin(steps, batch, training, inputs=inputs)
        states = self._initial_states(batch)
        outputs = np.empty((steps, batch, cell.output_size), self.dtype)
        for t in range(steps):
            output, new_states = cell.step(t, inputs[t], states)
            if self.step_mask is not None:
                keep = self.step_mask[t]
                new_states = [np.where(keep, new, old) for new, old in zip(new_states, states)]
                output = np.where(keep, output, outputs[t - 1] if t else 0)
            outputs[t] = output
            states = new_states
        if self.stateful:
            self.states[:] = [state.copy() for state in states]
        if self.return_sequences:
            if self.step_mask is not None and self.zero_output_for_mask:
                outputs *= self.step_mask
            output = np.swapaxes(outputs, 0, 1)
            self.output_mask = mask
        else:
            output = outputs[-1].copy()
            self.output_mask = None
        if self.return_state:
            return [output] + [state.copy() for state in states]
        return output

    def backward(self, dy):
        """BPTT; with ``return_state``, dy may be a list [dJ/dy, dJ/ds_T...] (None for zero)."""
        count = len(self.cell.flat_state_sizes)
        d_final = [None] * count
        if isinstance(dy, (list, tuple)):
            dy, d_final = dy[0], list(dy[1:]) + [None] * (count + 1 - len(dy))
        steps, batch = self.sequence_shape
        d_outputs = np.zeros((steps, batch, self.cell.output_size), self.dtype)
        if self.return_sequences:
            d_outputs[...] = np.swapaxes(dy, 0, 1)
            if self.step_mask is not None and self.zero_output_for_mask:
                d_outputs *= self.step_mask
        elif dy is not None:
            d_outputs[-1] = dy
        d_states = [np.zeros((batch, size), self.dtype) if d is None else np.asarray(d, self.dtype)
                    for d, size in zip(d_final, self.cell.flat_state_sizes)]
        d_carried = 0
        for t in range(steps - 1, -1, -1):
            if self.step_mask is None:
                d_states = self.cell.step_backward(t, d_outputs[t], d_states)[1]
                continue
            keep, d_output = self.step_mask[t], d_outputs[t] + d_carried
            d_carried = np.where(keep, 0, d_output)
            d_previous = self.cell.step_backward(t, np.where(keep, d_output, 0),
                                                 [np.where(keep, d, 0) for d in d_states])[1]
            d_states = [previous + np.where(keep, 0, d) for previous, d in zip(d_previous, d_states)]
        dx = self.cell.finish_backward(self.needs_input_gradient)
        return None if dx is None else np.swapaxes(dx[self._order()], 0, 1)

    def compute_output_shape(self, input_shape):
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.cell.output_size)
        return (input_shape[0], self.cell.output_size)

    def get_config(self):
        return {**super().get_config(), "cell": serialization.serialize(self.cell),
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                "zero_output_for_mask": self.zero_output_for_mask}
