"""SimpleRNNCell: one step of the fully connected (Elman) recurrent layer."""

from layerwise.layers.recurrent._cell import RecurrentCell


class SimpleRNNCell(RecurrentCell):
    """One step of the Elman recurrence, h_t = phi(x_t W + h_{t-1} U + b); `RNN` runs it over time.

    Forward, for x_t of shape (N, d) and the state [h_{t-1}] (N, u): a_t = x_t W + h_{t-1} U + b,
    h_t = phi(a_t); the output is h_t and the new state [h_t].
    Backward, with dJ/dh_t = dJ/dy_t + dJ/ds_t: dJ/da_t = dJ/dh_t * phi'(a_t); dJ/dh_{t-1} = dJ/da_t U^T;
    dJ/dW = x_t^T dJ/da_t; dJ/dU = h_{t-1}^T dJ/da_t; dJ/db = sum_n dJ/da_t; dJ/dx_t = dJ/da_t W^T (over a
    sequence, the sums run over the steps too). Dropout masks x_t (``dropout``) and h_{t-1} inside h_{t-1} U
    (``recurrent_dropout``), one mask per sequence.

    Args:
        units: u, the size of the state h.
        activation: phi (default "tanh").
        use_bias: whether to add b.
        kernel_initializer, recurrent_initializer, bias_initializer: of W (d, u), U (u, u), b (u,);
            Keras's defaults "glorot_uniform", "orthogonal", "zeros".
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties R(W), R(U), R(b).
        kernel_constraint, recurrent_constraint, bias_constraint: projections of W, U, b after each update.
        dropout, recurrent_dropout: drop rates of the inputs and of the recurrent state, in [0, 1).
        seed: seed of the dropout masks (``self.rng``); None draws from the library's generator.
        **kwargs: `Layer` arguments (name, dtype, trainable).

    Call arguments:
        inputs: x_t, (batch, features). states: [h_{t-1}] (zeros if None). training: draw dropout masks.
        Returns ``(h_t, [h_t])``; `backward` takes dJ/dh_t or [dJ/dy_t, dJ/dh_t] and returns
        ``(dJ/dx_t, [dJ/dh_{t-1}])``.

    Input shape:
        (batch, features) for one step; in `RNN`, (batch, time, features).

    Output shape:
        (batch, units).

    Example:
        >>> import numpy as np
        >>> cell = SimpleRNNCell(3)
        >>> output, states = cell(np.ones((2, 4)), [np.zeros((2, 3))])
        >>> output.shape, len(states), cell.state_size
        ((2, 3), 1, 3)

    References:
        Elman, "Finding structure in time", 1990. Werbos, "Backpropagation through time", 1990.
        Lecture 000 (vanishing and exploding gradients in recurrent networks); lecture 002.
    """

    def allocate(self, steps, batch):
        self.allocate_gates(steps, batch, [self.activation])

    def advance(self, t, xw_t, states, h_rec):
        pre = self.gate_values[t]
        pre[...] = xw_t
        pre += h_rec @ self.recurrent_kernel.value
        return [self.activate(t, self.activation, slice(None))]

    def advance_backward(self, t, d_states):
        d_pre = self.d_inputs[t]
        d_pre[...] = self.activation_backward(t, self.activation, slice(None), d_states[0])
        return [self.recurrent_backward(d_pre, self.recurrent_kernel.value)]

    def accumulate_recurrent_grads(self):
        self.recurrent_kernel.grad += self.recurrent_inputs().T @ self.d_inputs.reshape(-1, self.units)
