"""StackedRNNCells: several recurrent cells run as one, each feeding the next within a time step."""

import numpy as np

from layerwise.layers import serialization
from layerwise.layers.base import Layer
from layerwise.layers.recurrent._cell import RecurrentCell
from layerwise.layers.recurrent._conv_lstm_cell import ConvLSTMCell


class StackedRNNCells(Layer):
    """A stack of cells as one cell: within each step, x_t -> cell_1 -> cell_2 -> ... -> y_t.

    Forward, at step t with the states s^k of cell k: y^0_t = x_t, (y^k_t, s^k_t) = cell_k(y^{k-1}_t, s^k_{t-1});
    the output is y^K_t and the states are those of every cell, in order. `RNN(StackedRNNCells([...]))`
    equals the same cells in stacked `RNN` layers (each returning sequences), run step by step.
    Backward, from the top cell down: dJ/dy^{k-1}_t = dJ/dx of cell k's step, added to the output
    gradient of cell k - 1; each cell returns dJ/ds^k_{t-1} and accumulates its own weights' gradients.
    Only the first cell projects the whole sequence at once (x W for all t in one GEMM); the others
    project step by step, as their inputs appear.

    Args:
        cells: a list of recurrent cells (`SimpleRNNCell`, `LSTMCell`, `GRUCell`, or their configs).
        **kwargs: `Layer` arguments.

    Call arguments:
        inputs: x_t (batch, features); states: one list of states per cell (zeros if None); training.
        Returns ``(y_t, [states of cell 1, states of cell 2, ...])``.

    Input shape:
        (batch, features) for one step; in `RNN`, (batch, time, features).

    Output shape:
        (batch, output_size of the last cell).

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import GRUCell, LSTMCell
        >>> cells = StackedRNNCells([LSTMCell(4), GRUCell(3)])
        >>> output, states = cells(np.ones((2, 5)))
        >>> output.shape, cells.state_size, [s.shape[1] for s in states[0] + states[1]]
        ((2, 3), [[4, 4], 3], [4, 4, 3])

    References:
        Graves, "Generating sequences with recurrent neural networks", 2013 (deep recurrent networks);
        Keras ``keras.layers.StackedRNNCells``. Lecture 002.
    """

    def __init__(self, cells, **kwargs):
        cells = [serialization.deserialize(cell) if isinstance(cell, dict) else cell for cell in cells]
        for cell in cells:
            if not isinstance(cell, RecurrentCell) or isinstance(cell, ConvLSTMCell):
                raise ValueError(f"StackedRNNCells: cells must be recurrent cells, received {type(cell).__name__}")
        if not cells:
            raise ValueError("StackedRNNCells: cells must hold at least one cell, received []")
        kwargs.setdefault("dtype", cells[0].dtype.name)
        super().__init__(**kwargs)
        self.cells = cells

    @property
    def state_size(self):
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self):
        return self.cells[-1].output_size

    @property
    def flat_state_sizes(self):
        return [size for cell in self.cells for size in cell.flat_state_sizes]

    def get_initial_state(self, batch_size=None):
        return [cell.get_initial_state(batch_size) for cell in self.cells]

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"StackedRNNCells '{self.name}': expected input of rank 2 (batch, features), "
                             f"received shape {tuple(input_shape)}")
        features = input_shape[-1]
        for cell in self.cells:
            if not cell.built:
                cell.build_for((None, features))
            features = cell.output_size
        self._parameters = [p for cell in self.cells for p in cell.weights]

    def sublayers(self):
        return list(self.cells)

    def new_call(self):
        call = super().new_call()
        call.cells = [cell.new_call() for cell in self.cells]
        return call

    @staticmethod
    def _flatten(nested):
        """The flat list of states from one list (or, for one state, one array) per cell."""
        return [s for cell_states in nested
                for s in ([cell_states] if cell_states is None or isinstance(cell_states, np.ndarray) else cell_states)]

    def _split(self, flat):
        """One list of states per cell from the flat list."""
        split, start = [], 0
        for cell in self.cells:
            split.append(list(flat[start:start + len(cell.flat_state_sizes)]))
            start += len(cell.flat_state_sizes)
        return split

    # ---- the sequence protocol of `RNN` (see layerwise.layers.recurrent._cell) ------------------------------
    def begin(self, steps, batch, training, inputs=None):
        self.cells[0].begin(steps, batch, training, inputs=inputs)
        for cell in self.cells[1:]:
            cell.begin(steps, batch, training)

    def step(self, t, x_t, states):
        new_states = []
        for cell, cell_states in zip(self.cells, self._split(states)):
            x_t, cell_new = cell.step(t, x_t, cell_states)
            new_states += cell_new
        return x_t, new_states

    def step_backward(self, t, d_output, d_states):
        d_previous = []
        for cell, cell_d_states in zip(reversed(self.cells), reversed(self._split(d_states))):
            d_output, cell_d_previous = cell.step_backward(t, d_output, cell_d_states)
            d_previous = cell_d_previous + d_previous
        return d_output, d_previous

    def finish_backward(self, input_gradient=True):
        for cell in self.cells[1:]:
            cell.finish_backward(input_gradient=False)
        return self.cells[0].finish_backward(input_gradient)

    # ---- one step on its own ---------------------------------------------------------------------------------
    def __call__(self, inputs, states=None, training=None, **options):
        return super().__call__(inputs, training=training, states=states, **options)

    def call(self, inputs, states, training=False):
        return self(inputs, states, training=training)

    def forward(self, x, training=False, states=None):
        batch = x.shape[0]
        nested = self.get_initial_state(batch) if states is None else states
        if len(nested) != len(self.cells):
            raise ValueError(f"StackedRNNCells '{self.name}': expected one list of states per cell "
                             f"({len(self.cells)}), received {len(nested)}")
        flat = []
        for cell, cell_states in zip(self.cells, nested):
            cell_states = [cell_states] if isinstance(cell_states, np.ndarray) else list(cell_states)
            expected = [(batch, size) for size in cell.flat_state_sizes]
            if [np.shape(s) for s in cell_states] != expected:
                raise ValueError(f"StackedRNNCells '{self.name}': cell '{cell.name}' expected states of shapes "
                                 f"{expected}, received {[np.shape(s) for s in cell_states]}")
            flat += [np.asarray(s, self.dtype) for s in cell_states]
        self.begin(1, batch, training, inputs=x[None])
        output, new_states = self.step(0, x, flat)
        return output, self._split(new_states)

    def backward(self, dy):
        """From dJ/dy_t, or [dJ/dy_t, per-cell lists of dJ/ds_t], return (dJ/dx_t, per-cell dJ/ds_{t-1})."""
        d_output, nested = (dy[0], list(dy[1:])) if isinstance(dy, (list, tuple)) else (dy, [])
        nested += [[None] * len(cell.flat_state_sizes) for cell in self.cells[len(nested):]]
        batch = len(self.cells[0].previous[0][0])
        d_output = np.zeros((batch, self.output_size), self.dtype) if d_output is None else d_output
        d_states = [np.zeros((batch, size), self.dtype) if d is None else np.asarray(d, self.dtype)
                    for d, size in zip(self._flatten(nested), self.flat_state_sizes)]
        _, d_previous = self.step_backward(0, np.asarray(d_output, self.dtype), d_states)
        dx = self.finish_backward(self.needs_input_gradient)
        return None if dx is None else dx[0], self._split(d_previous)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.output_size)

    def get_config(self):
        return {**super().get_config(), "cells": [serialization.serialize(cell) for cell in self.cells]}
