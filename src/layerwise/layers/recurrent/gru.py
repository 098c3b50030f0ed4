"""GRU: the gated recurrent unit layer."""

from layerwise.layers.recurrent._rnn import _Recurrent
from layerwise.layers.recurrent.gru_cell import GRUCell


class GRU(_Recurrent):
    """Gated recurrent unit: h_t interpolates between h_{t-1} and a candidate, through an update gate.

    Forward, for x of shape (N, T, d), with Keras's column order [z, r, h] in W (d, 3u) and U (u, 3u),
    sigma the recurrent activation and phi the activation. With ``reset_after=True`` (Keras's default and
    PyTorch's convention) b has shape (2, 3u): b_x = b[0] joins x W and b_h = b[1] joins h U:
    a_t = x_t W + b_x, q_t = h_{t-1} U + b_h; z = sigma(a_z + q_z), r = sigma(a_r + q_r),
    h~ = phi(a_h + r * q_h). With ``reset_after=False``, b (3u,) and h~ = phi(a_h + (r * h_{t-1}) U_h).
    Then h_t = z * h_{t-1} + (1 - z) * h~.
    Backward (BPTT), with dJ/dh_t = dJ/dy_t + dJ/dh_{t-1} from step t+1:
    dJ/dh~ = dJ/dh_t (1 - z), dJ/dz = dJ/dh_t (h_{t-1} - h~), dJ/dh_{t-1} = dJ/dh_t z + ...;
    dJ/da_h = dJ/dh~ phi'; reset_after: dJ/dr = dJ/da_h q_h, dJ/dq_h = dJ/da_h r;
    otherwise: dJ/d(r h_{t-1}) = dJ/da_h U_h^T, dJ/dr = that * h_{t-1}, dJ/dh_{t-1} += that * r;
    dJ/da_{z,r} = dJ/d{z,r} sigma'; dJ/dh_{t-1} += dJ/dq U^T; dJ/dU = sum_t h_{t-1}^T dJ/dq_t
    (reset_after=False: (r h_{t-1})^T dJ/da_h for U_h); dJ/dW = sum_t x_t^T dJ/da_t; dJ/dx_t = dJ/da_t W^T.

    Args:
        units: u, the size of h.
        activation: phi (default "tanh").
        recurrent_activation: sigma of the gates (default "sigmoid").
        use_bias, kernel_initializer, recurrent_initializer, bias_initializer: as `LSTM`.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: see `SimpleRNN`; the bias one acts on the
            whole b ((2, 3u) with ``reset_after``).
        kernel_constraint, recurrent_constraint, bias_constraint: see `SimpleRNN`; the bias one acts on the
            whole b.
        reset_after: apply the reset gate after the recurrent product (default True, as Keras 2+ and
            PyTorch's GRU) or before it (Cho et al.'s original).
        dropout, recurrent_dropout, seed, return_sequences, return_state, go_backwards, stateful:
            see `SimpleRNN`.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, time, features); an optional ``mask`` (batch, time) from the layer before.

    Output shape:
        (batch, time, units) with return_sequences, else (batch, units).

    Example:
        >>> import numpy as np
        >>> layer = GRU(3)
        >>> layer(np.ones((2, 5, 4))).shape
        (2, 3)
        >>> layer.bias.shape
        (2, 9)

    References:
        Cho et al., "Learning phrase representations using RNN encoder-decoder", 2014.
        Lecture 000 (vanishing gradients in recurrent networks); lecture 002.
    """

    cell_class = GRUCell
