"""Conv3DTranspose: the transposed convolution over three axes, which upsamples volumes."""

from layerwise.layers.convolutional.conv2d_transpose import Conv2DTranspose


class Conv3DTranspose(Conv2DTranspose):
    """Transposed 3-D convolution over (batch, depth, height, width, channels).

    With conv the `Conv3D` convolution (kernel w (kd, kh, kw, F, C), strides s, dilation d) from a volume
    of the output size with F channels to one of the input size with C channels:
        z = conv^T(x) + b,   y = phi(z),
    and on each axis the output size of `Conv2DTranspose`: n s + max((k-1) d + 1 - s, 0) for 'valid', n s for
    'same', or (n - 1) s + (k-1) d + 1 - 2 p + o given an output_padding o < s (Keras's
    ``deconv_output_length``). Backward, with delta = dJ/dz: dJ/dx = conv(delta), dJ/dw = the weight
    gradient of conv at input delta and output gradient x, dJ/db = sum_{n, t, p, q} delta. The kernels sum
    2-D transposed convolutions over the kd depth offsets (`layerwise.ops.conv3d`).

    Args:
        filters: F, the number of output channels.
        kernel_size: (kd, kh, kw) or one int.
        strides: (sd, sh, sw) or one int.
        padding: "valid" or "same".
        output_padding: None (the sizes above) or (o_d, o_h, o_w) / one int, each smaller than its stride.
        dilation_rate: (dd, dh, dw) or one int.
        activation, use_bias, kernel_initializer, bias_initializer, **kwargs: as `Conv2DTranspose` (w is
            (kd, kh, kw, F, C)).

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, new_depth, new_height, new_width, filters).

    Example:
        >>> import numpy as np
        >>> layer = Conv3DTranspose(4, 3, strides=(1, 2, 2), padding="same")
        >>> layer(np.zeros((2, 3, 4, 4, 8))).shape
        (2, 3, 8, 8, 4)
        >>> layer.kernel.shape
        (3, 3, 3, 4, 8)

    References:
        Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", 2016.
        Lecture 004 (convolutional networks).
    """

    rank = 3
