"""GRUCell: one step of the gated recurrent unit layer."""

import numpy as np

from layerwise import activations
from layerwise.layers.recurrent._cell import RecurrentCell


class GRUCell(RecurrentCell):
    """One GRU step: h_t interpolates between h_{t-1} and a candidate, through an update gate.

    Forward, for x_t (N, d) and the state [h_{t-1}] (N, u), with Keras's column order [z, r, h] in W (d, 3u)
    and U (u, 3u), sigma the recurrent activation and phi the activation. With ``reset_after=True`` (Keras's
    default and PyTorch's convention) b has shape (2, 3u): b_x = b[0] joins x W and b_h = b[1] joins h U:
    a_t = x_t W + b_x, q_t = h_{t-1} U + b_h; z = sigma(a_z + q_z), r = sigma(a_r + q_r),
    h~ = phi(a_h + r * q_h). With ``reset_after=False``, b (3u,) and h~ = phi(a_h + (r * h_{t-1}) U_h).
    Then h_t = z * h_{t-1} + (1 - z) * h~, the output and the new state [h_t].
    Backward, from dJ/dh_t (output and state):
    dJ/dh~ = dJ/dh_t (1 - z), dJ/dz = dJ/dh_t (h_{t-1} - h~), dJ/dh_{t-1} = dJ/dh_t z + ...;
    dJ/da_h = dJ/dh~ phi'; reset_after: dJ/dr = dJ/da_h q_h, dJ/dq_h = dJ/da_h r;
    otherwise: dJ/d(r h_{t-1}) = dJ/da_h U_h^T, dJ/dr = that * h_{t-1}, dJ/dh_{t-1} += that * r;
    dJ/da_{z,r} = dJ/d{z,r} sigma'; dJ/dh_{t-1} += dJ/dq U^T; dJ/dU = h_{t-1}^T dJ/dq_t
    (reset_after=False: (r h_{t-1})^T dJ/da_h for U_h); dJ/dW = x_t^T dJ/da_t; dJ/dx_t = dJ/da_t W^T.

    Args:
        units: u, the size of h.
        activation: phi (default "tanh").
        recurrent_activation: sigma of the gates (default "sigmoid").
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer: as `LSTMCell`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: see `SimpleRNNCell`; the bias one acts on
            the whole b.
        kernel_constraint, recurrent_constraint, bias_constraint: see `SimpleRNNCell`; the bias one acts on the
            whole b.
        dropout, recurrent_dropout, seed: see `SimpleRNNCell`.
        reset_after: apply the reset gate after the recurrent product (default True, as Keras 2+ and
            PyTorch's GRU) or before it (Cho et al.'s original).
        **kwargs: `Layer` arguments.

    Call arguments:
        inputs: x_t (batch, features); states: [h_{t-1}] (zeros if None); training.
        Returns ``(h_t, [h_t])``; `backward` returns ``(dJ/dx_t, [dJ/dh_{t-1}])``.

    Input shape:
        (batch, features) for one step; in `RNN`, (batch, time, features).

    Output shape:
        (batch, units).

    Example:
        >>> import numpy as np
        >>> cell = GRUCell(3)
        >>> output, states = cell(np.ones((2, 4)))
        >>> output.shape, cell.bias.shape
        ((2, 3), (2, 9))

    References:
        Cho et al., "Learning phrase representations using RNN encoder-decoder", 2014.
        Lecture 000 (vanishing gradients in recurrent networks); lecture 002.
    """

    gates = 3

    def __init__(self, units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
                 bias_initializer="zeros", reset_after=True, **kwargs):
        super().__init__(units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, recurrent_initializer=recurrent_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = reset_after

    def bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def input_bias(self, parameter_array):
        return parameter_array[0] if self.reset_after else parameter_array

    def allocate(self, steps, batch):
        self.allocate_gates(steps, batch, [self.activation, self.recurrent_activation])
        # reset_after: q_t = h_{t-1} U + b_h, overwritten by dJ/dq_t in backward once q_t is used;
        # otherwise its h block holds r * h_{t-1}, what U_h multiplies.
        self.recurrent_terms = np.empty((steps, batch, 3 * self.units), self.dtype)

    def advance(self, t, xw_t, states, h_rec):
        u, kernel = self.units, self.recurrent_kernel.value
        a, q = self.gate_values[t], self.recurrent_terms[t]
        if self.reset_after:
            np.matmul(h_rec, kernel, out=q)
            if self.use_bias:
                q += self.bias.value[1]
        else:
            np.matmul(h_rec, kernel[:, :2 * u], out=q[:, :2 * u])
        np.add(xw_t[:, :2 * u], q[:, :2 * u], out=a[:, :2 * u])
        z_r = self.activate(t, self.recurrent_activation, slice(0, 2 * u))
        if self.reset_after:
            np.multiply(z_r[:, u:], q[:, 2 * u:], out=a[:, 2 * u:])
        else:
            np.multiply(z_r[:, u:], h_rec, out=q[:, 2 * u:])
            np.matmul(q[:, 2 * u:], kernel[:, 2 * u:], out=a[:, 2 * u:])
        a[:, 2 * u:] += xw_t[:, 2 * u:]
        candidate = self.activate(t, self.activation, slice(2 * u, None))
        return [candidate + z_r[:, :u] * (states[0] - candidate)]

    def advance_backward(self, t, d_states):
        u, kernel = self.units, self.recurrent_kernel.value
        (d_h,), h_prev = d_states, self.previous[t][0]
        z, r, candidate = (self.gate_values[t][:, k * u:(k + 1) * u] for k in range(3))
        d_a = self.d_inputs[t]
        np.multiply(d_h, h_prev - candidate, out=d_a[:, :u])
        d_a[:, 2 * u:] = self.activation_backward(t, self.activation, slice(2 * u, None), d_h * (1 - z))
        if self.reset_after:
            np.multiply(d_a[:, 2 * u:], self.recurrent_terms[t][:, 2 * u:], out=d_a[:, u:2 * u])
        else:
            d_reset_h = d_a[:, 2 * u:] @ kernel[:, 2 * u:].T
            np.multiply(d_reset_h, self.recurrent_inputs_by_step[t], out=d_a[:, u:2 * u])
        d_a[:, :2 * u] = self.activation_backward(t, self.recurrent_activation, slice(0, 2 * u), d_a[:, :2 * u])
        if self.reset_after:
            d_q = np.concatenate([d_a[:, :2 * u], d_a[:, 2 * u:] * r], axis=1)
            self.recurrent_terms[t] = d_q
            d_rec = self.recurrent_backward(d_q, kernel)
        else:
            d_rec = d_a[:, :2 * u] @ kernel[:, :2 * u].T
            d_rec += d_reset_h * r
            if self.recurrent_keep is not None:
                d_rec *= self.recurrent_keep
        return [d_h * z + d_rec]

    def accumulate_recurrent_grads(self):
        u, h_rec = self.units, self.recurrent_inputs()
        grad = self.recurrent_kernel.grad
        if self.reset_after:
            d_q = self.recurrent_terms.reshape(-1, 3 * u)
            grad += h_rec.T @ d_q
            if self.use_bias:
                self.bias.grad[1] += d_q.sum(axis=0)
        else:
            d_a = self.d_inputs.reshape(-1, 3 * u)
            grad[:, :2 * u] += h_rec.T @ d_a[:, :2 * u]
            grad[:, 2 * u:] += self.recurrent_terms[:, :, 2 * u:].reshape(-1, u).T @ d_a[:, 2 * u:]

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "reset_after": self.reset_after}
