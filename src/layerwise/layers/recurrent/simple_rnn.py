"""SimpleRNN: the fully connected (Elman) recurrent layer."""

from layerwise.layers.recurrent._rnn import _Recurrent
from layerwise.layers.recurrent.simple_rnn_cell import SimpleRNNCell


class SimpleRNN(_Recurrent):
    """Elman recurrent layer h_t = phi(x_t W + h_{t-1} U + b), trained by backpropagation through time.

    Forward, for x of shape (N, T, d): a_t = x_t W + h_{t-1} U + b, h_t = phi(a_t), h_0 = 0.
    Backward (BPTT), with dJ/dh_t = dJ/dy_t + dJ/da_{t+1} U^T summed from the top step down:
    dJ/da_t = dJ/dh_t * phi'(a_t); dJ/dU = sum_t h_{t-1}^T dJ/da_t; dJ/dW = sum_t x_t^T dJ/da_t;
    dJ/db = sum_t,n dJ/da_t; dJ/dx_t = dJ/da_t W^T. The repeated factor U^T phi' is why gradients over
    long spans vanish or explode (lecture 000). Dropout masks x_t (``dropout``) and h_{t-1} inside
    h_{t-1} U (``recurrent_dropout``) with one mask per sequence; masked steps keep h_{t-1}.

    Args:
        units: size of the state h.
        activation: phi (default "tanh").
        use_bias: whether to add b.
        kernel_initializer, recurrent_initializer, bias_initializer: of W (d, units), U (units, units),
            b (units,); Keras's defaults "glorot_uniform", "orthogonal", "zeros".
        kernel_regularizer, recurrent_regularizer, bias_regularizer: penalties R(W), R(U), R(b) added to
            the loss (e.g. ``"l2"`` or ``L2(1e-4)``).
        kernel_constraint, recurrent_constraint, bias_constraint: projections of W, U, b after each update
            (e.g. ``MaxNorm(3)``: the norm of each column, the weights into one unit).
        dropout, recurrent_dropout: drop rates of the inputs and of the recurrent state.
        seed: seed of the dropout masks (``self.rng``); None draws from the library's generator.
        return_sequences: output h_1..h_T (N, T, units) instead of h_T (N, units).
        return_state: also return the final state: ``[output, h_T]`` (call the layer directly; a
            Sequential passes one array between layers). backward then accepts ``[dy, dh_T]``.
        go_backwards: process the sequence in reverse (and return the sequence in that order, as Keras).
        stateful: carry the final state of a batch into the next call (truncated BPTT); `reset_states`.
        **kwargs: `Layer` arguments (name, dtype, input_shape, trainable, activity_regularizer).

    Input shape:
        (batch, time, features); an optional ``mask`` (batch, time) from the layer before.

    Output shape:
        (batch, time, units) with return_sequences, else (batch, units).

    Example:
        >>> import numpy as np
        >>> layer = SimpleRNN(3, return_sequences=True)
        >>> layer(np.ones((2, 5, 4))).shape
        (2, 5, 3)
        >>> layer.recurrent_kernel.shape
        (3, 3)

    References:
        Elman, "Finding structure in time", 1990. Werbos, "Backpropagation through time", 1990.
        Lecture 000 (vanishing and exploding gradients in recurrent networks); lecture 002.
    """

    cell_class = SimpleRNNCell
