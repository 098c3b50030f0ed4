"""Backpropagation through time, shared by SimpleRNN, LSTM and GRU.

A recurrent layer runs a cell over time, s_t = cell(x_t, s_{t-1}) with states s = (h) or (h, c), and
outputs h_t for every step (``return_sequences``) or h_T. The base class does what every cell shares:
the input projection x_t W (+ b) for all steps in one GEMM, the Python loop over time steps (vectorized
over the batch), masking (a masked step keeps the previous state: s_t = m_t s~_t + (1 - m_t) s_{t-1}),
dropout masks drawn once per sequence, and, in backward, the GEMMs over all steps at once:
dJ/dW = X^T dJ/dA, dJ/db = sum dJ/dA, dJ/dx = dJ/dA W^T, with A the input pre-activations.

A cell implements ``allocate(steps, batch)``, ``step(t, xw_t, states, h_rec)`` (h_rec = h_{t-1} after
recurrent dropout) and ``step_backward(t, dstates)`` which writes dJ/dA_t into ``self.d_inputs[t]`` and
returns dJ/ds_{t-1}, and ``accumulate_recurrent_grads()`` for dJ/dU once the loop is done.
"""

import numpy as np

from layerwise import activations, initializers
from layerwise.layers.base import Layer
from layerwise.layers.core.masking import MaskConsumer
from layerwise.ops.dense import matmul_in_lanes
from layerwise.utils._arguments import check_integer
from layerwise.utils.random import make_generator


def _check_rate(layer, name, rate):
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"{layer}: {name} must be in [0, 1), received {rate!r}")
    return float(rate)


class _Recurrent(MaskConsumer, Layer):
    """Base of the recurrent layers; see the module docstring. Subclasses set ``gates`` and ``state_count``."""

    gates = 1
    state_count = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, **kwargs):
        super().__init__(**kwargs)
        layer = type(self).__name__
        check_integer(units, "units", layer)
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.recurrent_initializer = recurrent_initializer
        self.bias_initializer = bias_initializer
        self.set_weight_options(kernel_regularizer=kernel_regularizer, recurrent_regularizer=recurrent_regularizer,
                                bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                                recurrent_constraint=recurrent_constraint, bias_constraint=bias_constraint)
        self.dropout = _check_rate(layer, "dropout", dropout)
        self.recurrent_dropout = _check_rate(layer, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.rng = make_generator(seed)
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        # One list for the layer and all its calls (`Layer.new_call`): a call carries its final states
        # into the layer by filling it.
        self.states = []

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected input of rank 3 "
                             f"(batch, time, features), received shape {tuple(input_shape)}")
        columns = self.gates * self.units
        self.kernel = self.add_weight("kernel", (input_shape[-1], columns), self.kernel_initializer,
                                      self.kernel_regularizer, self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", (self.units, columns),
                                                self.recurrent_initializer, self.recurrent_regularizer,
                                                self.recurrent_constraint)
        self.bias = self.add_weight("bias", self.bias_shape(), self.bias_initializer, self.bias_regularizer,
                                    self.bias_constraint) if self.use_bias else None

    def bias_shape(self):
        return (self.gates * self.units,)

    def input_bias(self, parameter_array):
        """The part of the bias (value or grad) added to the input projection x W."""
        return parameter_array

    def reset_states(self):
        """Forget the states carried between batches by a ``stateful`` layer."""
        self.states.clear()

    def _keep_mask(self, shape, rate):
        """An inverted-dropout mask, 0 or 1 / (1 - rate), drawn once per sequence."""
        return (self.rng.random(shape) >= rate).astype(self.dtype) / (1.0 - rate)

    def _initial_states(self, batch):
        if not self.stateful or not self.states:
            return [np.zeros((batch, self.units), self.dtype) for _ in range(self.state_count)]
        if self.states[0].shape[0] != batch:
            raise ValueError(f"{type(self).__name__} '{self.name}' is stateful with batch size "
                             f"{self.states[0].shape[0]}, received a batch of {batch}; call reset_states()")
        return self.states

    def forward(self, x, training=False, mask=None):
        batch, steps, features = x.shape
        order = slice(None, None, -1) if self.go_backwards else slice(None)
        inputs = np.ascontiguousarray(np.swapaxes(x, 0, 1)[order])
        self.input_keep = self._keep_mask((batch, features), self.dropout) if training and self.dropout else None
        self.recurrent_keep = (self._keep_mask((batch, self.units), self.recurrent_dropout)
                               if training and self.recurrent_dropout else None)
        if self.input_keep is not None:
            inputs *= self.input_keep
        self.inputs = inputs
        self.step_mask = None if mask is None else np.swapaxes(mask, 0, 1)[order][..., None]
        xw = matmul_in_lanes(inputs.reshape(steps * batch, features), self.kernel.value).reshape(steps, batch, -1)
        if self.use_bias:
            xw += self.input_bias(self.bias.value)
        self.history = [np.empty((steps + 1, batch, self.units), self.dtype) for _ in range(self.state_count)]
        for history, state in zip(self.history, self._initial_states(batch)):
            history[0] = state
        self.allocate(steps, batch)
        for t in range(steps):
            previous = [history[t] for history in self.history]
            h_rec = previous[0] if self.recurrent_keep is None else previous[0] * self.recurrent_keep
            states = self.step(t, xw[t], previous, h_rec)
            for history, state, old in zip(self.history, states, previous):
                history[t + 1] = state if self.step_mask is None else np.where(self.step_mask[t], state, old)
        if self.stateful:
            self.states[:] = [history[-1].copy() for history in self.history]
        if self.return_sequences:
            outputs = self.history[0][1:]
            if self.step_mask is not None:
                outputs = outputs * self.step_mask
            output = np.swapaxes(outputs, 0, 1)
            self.output_mask = mask
        else:
            output = self.history[0][-1].copy()
            self.output_mask = None
        if self.return_state:
            return [output] + [history[-1].copy() for history in self.history]
        return output

    def backward(self, dy):
        """BPTT; with ``return_state``, dy may be a list [dJ/dy, dJ/dh_T, (dJ/dc_T)] (None for zero)."""
        d_final = [None] * self.state_count
        if isinstance(dy, (list, tuple)):
            dy, d_final = dy[0], list(dy[1:]) + [None] * (self.state_count + 1 - len(dy))
        steps, batch, _ = self.inputs.shape
        d_outputs = np.zeros((steps, batch, self.units), self.dtype)
        if self.return_sequences:
            d_outputs[...] = np.swapaxes(dy, 0, 1)
            if self.step_mask is not None:
                d_outputs *= self.step_mask
        elif dy is not None:
            d_outputs[-1] = dy
        d_states = [np.zeros((batch, self.units), self.dtype) if d is None else np.asarray(d, self.dtype)
                    for d in d_final]
        self.d_inputs = np.empty((steps, batch, self.gates * self.units), self.dtype)
        for t in range(steps - 1, -1, -1):
            d_states[0] = d_states[0] + d_outputs[t]
            if self.step_mask is None:
                d_states = self.step_backward(t, d_states)
            else:
                keep = self.step_mask[t]
                d_carried = [np.where(keep, 0, d) for d in d_states]
                d_states = [d + c for d, c in zip(self.step_backward(t, [np.where(keep, d, 0) for d in d_states]),
                                                  d_carried)]
        self.accumulate_recurrent_grads()
        d_inputs = self.d_inputs.reshape(steps * batch, -1)
        self.kernel.accumulate_matmul(self.inputs.reshape(steps * batch, -1).T, d_inputs)
        if self.use_bias:
            self.input_bias(self.bias.grad)[...] += d_inputs.sum(axis=0)
        dx = matmul_in_lanes(d_inputs, self.kernel.value.T).reshape(steps, batch, -1)
        if self.input_keep is not None:
            dx *= self.input_keep
        order = slice(None, None, -1) if self.go_backwards else slice(None)
        return np.swapaxes(dx[order], 0, 1)

    def recurrent_inputs(self):
        """h_{t-1} after recurrent dropout for every step, as a (steps * batch, units) matrix."""
        h_rec = self.history[0][:-1]
        if self.recurrent_keep is not None:
            h_rec = h_rec * self.recurrent_keep
        return h_rec.reshape(-1, self.units)

    def recurrent_backward(self, d_preactivation, kernel):
        """dJ/dh_{t-1} through h_{t-1} U (times the recurrent dropout mask)."""
        d_h = d_preactivation @ kernel.T
        if self.recurrent_keep is not None:
            d_h *= self.recurrent_keep
        return d_h

    def activate(self, t, activation, columns):
        """Apply ``activation`` in place to the pre-activations in self.gate_values[t][:, columns]."""
        values = self.gate_values[t][:, columns]
        if activation.reads == "input":
            self.preactivations[t][:, columns] = values
        return activation.forward(values, out=values)

    def activation_backward(self, t, activation, columns, dy):
        pre = self.preactivations[t][:, columns] if activation.reads == "input" else None
        return activation.backward(dy, pre, self.gate_values[t][:, columns])

    def allocate_gates(self, steps, batch, activations_used):
        shape = (steps, batch, self.gates * self.units)
        self.gate_values = np.empty(shape, self.dtype)
        reads_input = any(a.reads == "input" for a in activations_used)
        self.preactivations = np.empty(shape, self.dtype) if reads_input else None

    def compute_output_shape(self, input_shape):
        if self.return_sequences:
            return (input_shape[0], input_shape[1], self.units)
        return (input_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **self.weight_options_config("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                                             "kernel_constraint", "recurrent_constraint", "bias_constraint"),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed,
                "return_sequences": self.return_sequences, "return_state": self.return_state,
                "go_backwards": self.go_backwards, "stateful": self.stateful}
