"""LSTMCell: one step of the long short-term memory layer."""

import numpy as np

from layerwise import activations
from layerwise.layers.recurrent._cell import RecurrentCell


class LSTMCell(RecurrentCell):
    """One LSTM step: a gated memory c_t whose additive update lets gradients flow over long spans.

    Forward, for x_t (N, d) and the states [h_{t-1}, c_{t-1}] (N, u), with Keras's column order [i, f, c, o]
    in W (d, 4u), U (u, 4u), b (4u,), sigma the recurrent activation and phi the activation:
    z_t = x_t W + h_{t-1} U + b; i = sigma(z_i), f = sigma(z_f), g = phi(z_c), o = sigma(z_o);
    c_t = f * c_{t-1} + i * g; h_t = o * phi(c_t). The output is h_t, the new states [h_t, c_t].
    Backward, from dJ/dh_t (output and state) and dJ/dc_t:
    dJ/dc_t += dJ/dh_t * o * phi'(c_t); dJ/do = dJ/dh_t * phi(c_t); dJ/di = dJ/dc_t * g;
    dJ/dg = dJ/dc_t * i; dJ/df = dJ/dc_t * c_{t-1}; dJ/dc_{t-1} = dJ/dc_t * f;
    dJ/dz_{i,f,o} = dJ/d(gate) * sigma'(z), dJ/dz_c = dJ/dg * phi'(z_c); dJ/dh_{t-1} = dJ/dz_t U^T;
    dJ/dU = h_{t-1}^T dJ/dz_t, dJ/dW = x_t^T dJ/dz_t, dJ/db = sum dJ/dz_t, dJ/dx_t = dJ/dz_t W^T.
    Through c the gradient is multiplied by f rather than by U^T phi', which is how the LSTM escapes the
    vanishing gradient of lecture 000.

    Args:
        units: u, the size of h and c.
        activation: phi (default "tanh").
        recurrent_activation: sigma of the gates (default "sigmoid").
        use_bias: whether to add b.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's defaults
            "glorot_uniform", "orthogonal", "zeros".
        unit_forget_bias: start the forget-gate bias at 1 (Jozefowicz et al., 2015), as Keras.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: see `SimpleRNNCell`; each applies to the
            whole W, U or b.
        kernel_constraint, recurrent_constraint, bias_constraint: see `SimpleRNNCell`; each applies to the
            whole W, U or b.
        dropout, recurrent_dropout, seed: see `SimpleRNNCell`.
        **kwargs: `Layer` arguments.

    Call arguments:
        inputs: x_t (batch, features); states: [h_{t-1}, c_{t-1}] (zeros if None); training.
        Returns ``(h_t, [h_t, c_t])``; `backward` takes [dJ/dy_t, dJ/dh_t, dJ/dc_t] (None for zero) and
        returns ``(dJ/dx_t, [dJ/dh_{t-1}, dJ/dc_{t-1}])``.

    Input shape:
        (batch, features) for one step; in `RNN`, (batch, time, features).

    Output shape:
        (batch, units).

    Example:
        >>> import numpy as np
        >>> cell = LSTMCell(3)
        >>> h, (h_again, c) = cell(np.ones((2, 4)))
        >>> cell.state_size, c.shape, cell.bias.value[3:6]
        ([3, 3], (2, 3), array([1., 1., 1.], dtype=float32))

    References:
        Hochreiter & Schmidhuber, "Long short-term memory", 1997; Gers et al., "Learning to forget", 2000.
        Lecture 000 (vanishing gradients in recurrent networks); lecture 002.
    """

    gates = 4
    state_count = 2

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", unit_forget_bias=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias

    def build(self, input_shape):
        super().build(input_shape)
        if self.use_bias and self.unit_forget_bias:
            self.bias.value[self.units:2 * self.units] = 1

    def allocate(self, steps, batch):
        self.allocate_gates(steps, batch, [self.activation, self.recurrent_activation])
        self.cells = np.empty((steps, batch, self.units), self.dtype)
        self.cells_activated = np.empty_like(self.cells)

    def advance(self, t, xw_t, states, h_rec):
        u = self.units
        z = self.gate_values[t]
        self.recurrent_product(h_rec, out=z)
        z += xw_t
        i_f = self.activate(t, self.recurrent_activation, slice(0, 2 * u))
        g = self.activate(t, self.activation, slice(2 * u, 3 * u))
        o = self.activate(t, self.recurrent_activation, slice(3 * u, None))
        c = self.cells[t]
        np.multiply(i_f[:, u:], states[1], out=c)
        c += i_f[:, :u] * g
        if self.activation.reads == "input":
            self.cells_activated[t] = self.activation.forward(c)
        else:
            self.activation.forward(c, out=self.cells_activated[t])
        return [o * self.cells_activated[t], c]

    def advance_backward(self, t, d_states):
        u = self.units
        d_h, d_c = d_states
        i, f, g, o = (self.gate_values[t][:, k * u:(k + 1) * u] for k in range(4))
        d_z = self.d_inputs[t]
        np.multiply(d_h, self.cells_activated[t], out=d_z[:, 3 * u:])
        d_c = d_c + self.activation.backward(d_h * o, self.cells[t], self.cells_activated[t])
        np.multiply(d_c, g, out=d_z[:, :u])
        np.multiply(d_c, self.previous[t][1], out=d_z[:, u:2 * u])
        np.multiply(d_c, i, out=d_z[:, 2 * u:3 * u])
        for columns, activation in ((slice(0, 2 * u), self.recurrent_activation),
                                    (slice(2 * u, 3 * u), self.activation),
                                    (slice(3 * u, None), self.recurrent_activation)):
            d_z[:, columns] = self.activation_backward(t, activation, columns, d_z[:, columns])
        return [self.recurrent_backward(d_z, self.recurrent_kernel.value), d_c * f]

    def accumulate_recurrent_grads(self):
        self.recurrent_kernel.grad += self.recurrent_inputs().T @ self.d_inputs.reshape(-1, 4 * self.units)

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "unit_forget_bias": self.unit_forget_bias}
