"""Conv1DTranspose: the transposed convolution over one axis, which upsamples sequences."""

from layerwise.layers.convolutional.conv2d_transpose import Conv2DTranspose


class Conv1DTranspose(Conv2DTranspose):
    """Transposed 1-D convolution over (batch, steps, channels): the backward pass of a Conv1D as a forward pass.

    With conv the convolution (kernel w (k, F, C), stride s, dilation d) from a sequence of the output length
    L' with F channels to one of the input length L with C channels:
        z = conv^T(x) + b,  i.e.  z[n, t*s + i*d - p, f] += sum_c w[i, f, c] x[n, t, c],   y = phi(z),
    with L' = L s + max((k-1) d + 1 - s, 0) for 'valid' and L' = L s for 'same', or, given output_padding
    o < s, L' = (L - 1) s + (k-1) d + 1 - 2 p + o, p = ((k-1) d + 1) // 2 for 'same', 0 for 'valid' (Keras).
    Backward, with delta = dJ/dz: dJ/dx = conv(delta), dJ/dw = the weight gradient of conv at input delta and
    output gradient x, dJ/db = sum_{n, t} delta. It runs the kernels of `Conv2DTranspose` on the view
    (N, 1, L, C).

    Args:
        filters: F, the number of output channels.
        kernel_size: k.
        strides: s.
        padding: "valid" or "same".
        output_padding: None (the lengths above) or o < s.
        dilation_rate: d.
        activation, use_bias, kernel_initializer, bias_initializer, **kwargs: as `Conv2DTranspose` (w is
            (k, F, C)).

    Input shape:
        (batch, steps, channels).

    Output shape:
        (batch, new_steps, filters).

    Example:
        >>> import numpy as np
        >>> layer = Conv1DTranspose(4, 3, strides=2, padding="same")
        >>> layer(np.zeros((2, 10, 8))).shape
        (2, 20, 4)
        >>> layer.kernel.shape
        (3, 4, 8)

    References:
        Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", 2016.
        Lecture 004 (convolutional networks).
    """

    rank = 1
