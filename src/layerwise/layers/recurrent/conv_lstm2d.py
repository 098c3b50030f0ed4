"""ConvLSTM2D: a long short-term memory over sequences of images, with convolutions for its products."""

from layerwise.layers.recurrent._base_conv_lstm import BaseConvLSTM


class ConvLSTM2D(BaseConvLSTM):
    """LSTM whose input and recurrent transformations are 2-D convolutions: states are feature maps.

    Forward, for x of shape (N, T, H, W, C), with * a convolution and Keras's gate order [i, f, c, o] along
    the 4F output channels of W (kh, kw, C, 4F), U (kh, kw, F, 4F), b (4F,):
    z_t = x_t * W + h_{t-1} * U + b (x_t * W with ``strides``, ``padding``, ``dilation_rate``; h * U with
    stride 1 and "same" padding, so h and c keep the size (H', W') of x_t * W); i = sigma(z_i),
    f = sigma(z_f), g = phi(z_c), o = sigma(z_o); c_t = f c_{t-1} + i g; h_t = o phi(c_t), h_0 = c_0 = 0.
    Backward (BPTT): `LSTM`'s gate gradients pixel by pixel, dJ/dz_t, then dJ/dh_{t-1} = dJ/dz_t *
    U^flipped (the input gradient of the convolution), dJ/dU = sum_t (h_{t-1} corr dJ/dz_t),
    dJ/dW = sum_t (x_t corr dJ/dz_t), dJ/db = sum dJ/dz_t, dJ/dx_t = dJ/dz_t * W^flipped.
    Dropout masks x_t and h_{t-1} element-wise with one mask per sequence.

    Args:
        filters: F, the channels of h and c.
        kernel_size: (kh, kw) of W and U (an int for both).
        strides, padding ("valid" or "same"), dilation_rate: of the input convolution, as `Conv2D`.
        data_format: None or "channels_last" (channels-first inputs are not supported).
        activation, recurrent_activation, use_bias: as `LSTM` (Keras's defaults "tanh", "sigmoid", True).
        kernel_initializer, recurrent_initializer, bias_initializer, unit_forget_bias: as `LSTM` (Keras's
            defaults "glorot_uniform", "orthogonal", "zeros", True).
        kernel_regularizer, recurrent_regularizer, bias_regularizer: as `LSTM`.
        kernel_constraint, recurrent_constraint, bias_constraint: as `LSTM`.
        dropout, recurrent_dropout, seed: as `LSTM`.
        return_sequences, return_state, go_backwards, stateful: as `LSTM`; states are (N, H', W', F).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, time, rows, cols, channels); an optional ``mask`` (batch, time).

    Output shape:
        (batch, time, rows', cols', filters) with return_sequences, else (batch, rows', cols', filters).

    Example:
        >>> import numpy as np
        >>> layer = ConvLSTM2D(2, 3, padding="same", return_sequences=True)
        >>> layer(np.ones((1, 4, 5, 5, 3))).shape, layer.kernel.shape, layer.recurrent_kernel.shape
        ((1, 4, 5, 5, 2), (3, 3, 3, 8), (3, 3, 2, 8))

    References:
        Shi et al., "Convolutional LSTM network: a machine learning approach for precipitation
        nowcasting", 2015. Lecture 004 (convolutions); lecture 000 (vanishing gradients).
    """

    rank = 2
