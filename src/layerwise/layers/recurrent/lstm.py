"""LSTM: the long short-term memory layer."""

from layerwise.layers.recurrent._rnn import _Recurrent
from layerwise.layers.recurrent.lstm_cell import LSTMCell


class LSTM(_Recurrent):
    """Long short-term memory: a gated cell c_t whose additive update lets gradients flow over long spans.

    Forward, for x of shape (N, T, d), with Keras's column order [i, f, c, o] in W (d, 4u), U (u, 4u),
    b (4u,) and sigma the recurrent activation, phi the activation:
    z_t = x_t W + h_{t-1} U + b; i = sigma(z_i), f = sigma(z_f), g = phi(z_c), o = sigma(z_o);
    c_t = f * c_{t-1} + i * g; h_t = o * phi(c_t).
    Backward (BPTT), with dJ/dh_t = dJ/dy_t + dJ/dz_{t+1} U^T and dJ/dc_t carried from step t+1:
    dJ/dc_t += dJ/dh_t * o * phi'(c_t); dJ/do = dJ/dh_t * phi(c_t); dJ/di = dJ/dc_t * g;
    dJ/dg = dJ/dc_t * i; dJ/df = dJ/dc_t * c_{t-1}; dJ/dc_{t-1} = dJ/dc_t * f;
    dJ/dz_{i,f,o} = dJ/d(gate) * sigma'(z), dJ/dz_c = dJ/dg * phi'(z_c);
    dJ/dU = sum_t h_{t-1}^T dJ/dz_t, dJ/dW = sum_t x_t^T dJ/dz_t, dJ/db = sum dJ/dz_t,
    dJ/dx_t = dJ/dz_t W^T. Through c the gradient is multiplied by f rather than by U^T phi', which is
    how the LSTM escapes the vanishing gradient of lecture 000.

    Args:
        units: u, the size of h and c.
        activation: phi (default "tanh").
        recurrent_activation: sigma of the gates (default "sigmoid").
        use_bias: whether to add b.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's defaults
            "glorot_uniform", "orthogonal", "zeros".
        unit_forget_bias: start the forget-gate bias at 1 (Jozefowicz et al., 2015), as Keras.
        kernel_regularizer, recurrent_regularizer, bias_regularizer: see `SimpleRNN`; each applies to the whole
            W, U or b (all four gates).
        kernel_constraint, recurrent_constraint, bias_constraint: see `SimpleRNN`; each applies to the whole
            W, U or b.
        dropout, recurrent_dropout, seed, return_sequences, go_backwards, stateful: see `SimpleRNN`.
        return_state: return ``[output, h_T, c_T]``; backward then accepts ``[dy, dh_T, dc_T]``.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, time, features); an optional ``mask`` (batch, time) from the layer before.

    Output shape:
        (batch, time, units) with return_sequences, else (batch, units).

    Example:
        >>> import numpy as np
        >>> layer = LSTM(3)
        >>> layer(np.ones((2, 5, 4))).shape
        (2, 3)
        >>> layer.kernel.shape, layer.bias.value[3:6]
        ((4, 12), array([1., 1., 1.], dtype=float32))

    References:
        Hochreiter & Schmidhuber, "Long short-term memory", 1997; Gers et al., "Learning to forget", 2000.
        Lecture 000 (vanishing gradients in recurrent networks); lecture 002.
    """

    cell_class = LSTMCell
