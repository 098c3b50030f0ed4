"""ConvLSTM3D: a long short-term memory over sequences of volumes, with convolutions for its products."""

from layerwise.layers.recurrent._base_conv_lstm import BaseConvLSTM


class ConvLSTM3D(BaseConvLSTM):
    """`ConvLSTM2D` over three spatial axes: x_t (N, D, H, W, C), states (N, D', H', W', F).

    Forward, with * a 3-D convolution and the gates [i, f, c, o] along the 4F channels of W (kd, kh, kw, C, 4F),
    U (kd, kh, kw, F, 4F), b (4F,): z_t = x_t * W + h_{t-1} * U + b, then `LSTM`'s gates voxel by voxel;
    backward as `ConvLSTM2D`. The 3-D convolutions are sums over the kernel's depth offsets of 2-D ones
    (`layerwise.ops.conv3d`).

    Args:
        filters, kernel_size, strides, padding, data_format, dilation_rate: of the input convolution, over
            (depth, rows, cols) (an int for all three).
        The remaining arguments: as `ConvLSTM2D`.

    Input shape:
        (batch, time, depth, rows, cols, channels); an optional ``mask`` (batch, time).

    Output shape:
        (batch, time, depth', rows', cols', filters) with return_sequences, else (batch, depth', rows', cols',
        filters).

    Example:
        >>> import numpy as np
        >>> layer = ConvLSTM3D(2, (1, 3, 3), padding="same")
        >>> layer(np.ones((1, 4, 3, 5, 5, 1))).shape, layer.kernel.shape
        ((1, 3, 5, 5, 2), (1, 3, 3, 1, 8))

    References:
        Shi et al., "Convolutional LSTM network", 2015. Lecture 004 (convolutions).
    """

    rank = 3
