"""ConvLSTM1D: a long short-term memory over sequences of 1-D signals, with convolutions for its products."""

from layerwise.layers.recurrent._base_conv_lstm import BaseConvLSTM


class ConvLSTM1D(BaseConvLSTM):
    """`ConvLSTM2D` over one spatial axis: x_t (N, L, C), states (N, L', F), convolutions of width k.

    Forward, with * a 1-D convolution and the gates [i, f, c, o] along the 4F channels of W (k, C, 4F),
    U (k, F, 4F), b (4F,): z_t = x_t * W + h_{t-1} * U + b, then `LSTM`'s gates position by position;
    backward as `ConvLSTM2D` (computed by the 2-D kernels on images of height 1).

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate: as `Conv1D` (one axis).
        The remaining arguments: as `ConvLSTM2D`.

    Input shape:
        (batch, time, length, channels); an optional ``mask`` (batch, time).

    Output shape:
        (batch, time, length', filters) with return_sequences, else (batch, length', filters).

    Example:
        >>> import numpy as np
        >>> layer = ConvLSTM1D(2, 3)
        >>> layer(np.ones((1, 4, 6, 3))).shape, layer.kernel.shape
        ((1, 4, 2), (3, 3, 8))

    References:
        Shi et al., "Convolutional LSTM network", 2015. Lecture 004 (convolutions).
    """

    rank = 1
