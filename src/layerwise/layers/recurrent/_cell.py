"""The base of the recurrent cells: one time step s_t = cell(x_t, s_{t-1}) and its backward.

A cell holds W (d, G u), U (u, G u) and b for G gates and keeps, for one run over a sequence, what the
steps' backward needs. `layerwise.layers.RNN` drives it over time through four methods, and a cell called
on its own (`RecurrentCell.forward`) is the same run with one step:

- ``begin(steps, batch, training, inputs=None)``: draw the dropout masks (once per sequence) and allocate
  the per-step records; given the whole (steps, batch, d) sequence, project every step at once,
  x_t W + b for all t in one GEMM.
- ``step(t, x_t, states) -> (output, new_states)``: one step (x_t is projected here when ``begin`` had
  no sequence: the upper cells of a `StackedRNNCells`).
- ``step_backward(t, d_output, d_states) -> (dJ/dx_t or None, dJ/ds_{t-1})``, from the last step down
  (arrays, zeros where nothing flows).
  It writes dJ/dA_t (A = the input pre-activations x W + b) into ``d_inputs[t]``; dJ/dx_t comes back
  per step only when ``begin`` had no sequence.
- ``finish_backward(input_gradient)``: the weight gradients over all steps at once, dJ/dW = X^T dJ/dA,
  dJ/db = sum dJ/dA, dJ/dU = H_prev^T dJ/dQ, and dJ/dX = dJ/dA W^T when ``begin`` had the sequence.

A cell implements the step math in ``allocate(steps, batch)``, ``advance(t, xw_t, states, h_rec)`` (h_rec
= h_{t-1} after recurrent dropout), ``advance_backward(t, d_states)`` and ``accumulate_recurrent_grads()``.
"""

import numpy as np

from layerwise import activations, initializers
from layerwise.layers.base import Layer
from layerwise.ops.dense import product
from layerwise.utils._arguments import check_integer
from layerwise.utils.random import make_generator


def check_rate(layer, name, rate):
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"{layer}: {name} must be in [0, 1), received {rate!r}")
    return float(rate)


class RecurrentCell(Layer):
    """Base of SimpleRNNCell, LSTMCell and GRUCell; see the module docstring. Subclasses set ``gates`` and
    ``state_count``; the output of every step is its first state, h_t."""

    gates = 1
    state_count = 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, seed=None,
                 **kwargs):
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
        self.dropout = check_rate(layer, "dropout", dropout)
        self.recurrent_dropout = check_rate(layer, "recurrent_dropout", recurrent_dropout)
        self.seed = seed
        self.rng = make_generator(seed)

    @property
    def state_size(self):
        """The size of each state: ``units``, or ``[units, units]`` for (h, c)."""
        return self.units if self.state_count == 1 else [self.units] * self.state_count

    @property
    def output_size(self):
        return self.units

    @property
    def flat_state_sizes(self):
        """The size of each state, as the flat list of states `RNN` carries."""
        return [self.units] * self.state_count

    def get_initial_state(self, batch_size=None):
        """The zero states, a list of ``state_count`` arrays (batch_size, units)."""
        return [np.zeros((batch_size, self.units), self.dtype) for _ in range(self.state_count)]

    def build(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected input of rank 2 "
                             f"(batch, features), received shape {tuple(input_shape)}")
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

    # ---- one step on its own (Keras's ``cell(inputs, states, training)``) ----------------------------------
    def __call__(self, inputs, states=None, training=None, **options):
        return super().__call__(inputs, training=training, states=states, **options)

    def call(self, inputs, states, training=False):
        """One step: ``(output, new_states)`` for x_t of shape (batch, features) and the list s_{t-1}."""
        return self(inputs, states, training=training)

    def forward(self, x, training=False, states=None):
        batch = x.shape[0]
        if states is None:
            states = self.get_initial_state(batch)
        states = [states] if isinstance(states, np.ndarray) else list(states)
        expected = [(batch, size) for size in self.flat_state_sizes]
        received = [np.shape(state) for state in states]
        if received != expected:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected states of shapes {expected}, "
                             f"received {received}")
        states = [np.asarray(state, self.dtype) for state in states]
        self.begin(1, batch, training, inputs=x[None])
        return self.step(0, x, states)

    def backward(self, dy):
        """From dy = dJ/dy_t, or [dJ/dy_t, dJ/ds_t...] (None for zero), return (dJ/dx_t, [dJ/ds_{t-1}...])."""
        d_output, d_states = (dy[0], list(dy[1:])) if isinstance(dy, (list, tuple)) else (dy, [])
        d_states += [None] * (self.state_count - len(d_states))
        zeros = np.zeros((len(self.recurrent_inputs_by_step[0]), self.flat_state_sizes[0]), self.dtype)
        d_output = zeros if d_output is None else np.asarray(d_output, self.dtype)
        d_states = [zeros if d is None else np.asarray(d, self.dtype) for d in d_states]
        _, d_previous = self.step_backward(0, d_output, d_states)
        dx = self.finish_backward(self.needs_input_gradient)
        return None if dx is None else dx[0], d_previous

    # ---- the sequence protocol of `layerwise.layers.RNN` ------------------------------------------------------
    def keep_mask(self, shape, rate):
        """An inverted-dropout mask, 0 or 1 / (1 - rate), drawn once per sequence."""
        return (self.rng.random(shape) >= rate).astype(self.dtype) / (1.0 - rate)

    def begin(self, steps, batch, training, inputs=None):
        features = self.kernel.shape[0]
        self.input_keep = self.keep_mask((batch, features), self.dropout) if training and self.dropout else None
        self.recurrent_keep = (self.keep_mask((batch, self.units), self.recurrent_dropout)
                               if training and self.recurrent_dropout else None)
        self.whole_sequence = inputs is not None
        if self.whole_sequence:
            if self.input_keep is not None:
                inputs = inputs * self.input_keep
            self.inputs = inputs
            self.projections = product(inputs.reshape(steps * batch, features),
                                               self.kernel.value).reshape(steps, batch, -1)
            if self.use_bias:
                self.projections += self.input_bias(self.bias.value)
        else:
            self.inputs = np.empty((steps, batch, features), self.dtype)
            self.projections = np.empty((steps, batch, self.gates * self.units), self.dtype)
        self.previous = [None] * steps
        self.recurrent_inputs_by_step = np.empty((steps, batch, self.units), self.dtype)
        self.d_inputs = np.empty((steps, batch, self.gates * self.units), self.dtype)
        self.allocate(steps, batch)

    def step(self, t, x_t, states):
        if not self.whole_sequence:
            x = self.inputs[t]
            np.multiply(x_t, 1 if self.input_keep is None else self.input_keep, out=x)
            np.matmul(x, self.kernel.value, out=self.projections[t])
            if self.use_bias:
                self.projections[t] += self.input_bias(self.bias.value)
        self.previous[t] = states
        h_rec = self.recurrent_inputs_by_step[t]
        if self.recurrent_keep is None:
            h_rec[...] = states[0]
        else:
            np.multiply(states[0], self.recurrent_keep, out=h_rec)
        new_states = self.advance(t, self.projections[t], states, h_rec)
        return new_states[0], new_states

    def step_backward(self, t, d_output, d_states):
        d_states = [d_states[0] + d_output, *d_states[1:]]
        d_previous = self.advance_backward(t, d_states)
        if self.whole_sequence:
            return None, d_previous
        dx = self.d_inputs[t] @ self.kernel.value.T
        if self.input_keep is not None:
            dx *= self.input_keep
        return dx, d_previous

    def finish_backward(self, input_gradient=True):
        """Add dJ/dW, dJ/dU, dJ/db over all steps; return [dJ/dx_t for all t] when ``begin`` had them."""
        steps, batch, _ = self.inputs.shape
        self.accumulate_recurrent_grads()
        d_inputs = self.d_inputs.reshape(steps * batch, -1)
        self.kernel.accumulate_matmul(self.inputs.reshape(steps * batch, -1).T, d_inputs)
        if self.use_bias:
            self.input_bias(self.bias.grad)[...] += d_inputs.sum(axis=0)
        if not (self.whole_sequence and input_gradient):
            return None
        dx = product(d_inputs, self.kernel.value.T).reshape(steps, batch, -1)
        if self.input_keep is not None:
            dx *= self.input_keep
        return dx

    # ---- helpers of the step math ---------------------------------------------------------------------------
    def recurrent_inputs(self):
        """h_{t-1} after recurrent dropout for every step, as a (steps * batch, units) matrix."""
        return self.recurrent_inputs_by_step.reshape(-1, self.units)

    def recurrent_product(self, h_rec, out):
        """out = h_{t-1} U (h_{t-1} after recurrent dropout), the recurrent part of the pre-activations."""
        np.matmul(h_rec, self.recurrent_kernel.value, out=out)

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
        return (input_shape[0], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **self.weight_options_config("kernel_regularizer", "recurrent_regularizer", "bias_regularizer",
                                             "kernel_constraint", "recurrent_constraint", "bias_constraint"),
                "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout, "seed": self.seed}
