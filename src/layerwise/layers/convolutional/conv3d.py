"""Conv3D: the convolution of Conv2D over three axes (volumes, video clips)."""

from layerwise.layers.convolutional.conv2d import Conv2D


class Conv3D(Conv2D):
    """3-D convolution y = phi(x * w + b) over channels-last volumes (batch, depth, height, width, channels).

    With x zero-padded to x_p, w (kd, kh, kw, C/g, F) and g channel groups:
        z[n, t, p, q, f] = b[f] + sum_{i, j, l, c} w[i, j, l, c, f]
                                  x_p[n, t*sd + i*dd, p*sh + j*dh, q*sw + l*dw, G(f) C/g + c],   y = phi(z).
    Backward, with delta = dJ/dz = dJ/dy * phi'(z):
        dJ/dw[i, j, l, c, f] = sum_{n, t, p, q} delta[n, t, p, q, f] x_p[n, t*sd + i*dd, ..., G(f) C/g + c],
        dJ/db[f] = sum_{n, t, p, q} delta[n, t, p, q, f],
        dJ/dx = the same sum with x and w exchanged (a convolution of delta with the flipped kernel).
    It is computed as kd 2-D convolutions, one per depth offset i, of the depth slabs x_p[:, i*dd :: sd]
    with w[i] (`layerwise.ops.conv3d`). 'same' padding follows Keras/TensorFlow on each axis, as `Conv2D`.

    Args:
        filters: F, the number of feature maps.
        kernel_size: (kd, kh, kw) or one int for all three.
        strides: (sd, sh, sw) or one int.
        padding: "valid" or "same".
        dilation_rate: (dd, dh, dw) or one int.
        groups, activation, use_bias, kernel_initializer, bias_initializer: as `Conv2D`.
        kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint, **kwargs: as `Conv2D` (a filter
            is w[..., f], so ``MaxNorm(3, axis=[0, 1, 2, 3])`` bounds each filter's norm).

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, new_depth, new_height, new_width, filters).

    Example:
        >>> import numpy as np
        >>> layer = Conv3D(4, 3, strides=(1, 2, 2), padding="same")
        >>> layer(np.zeros((2, 5, 8, 8, 3))).shape
        (2, 5, 4, 4, 4)
        >>> layer.kernel.shape
        (3, 3, 3, 3, 4)

    References:
        Ji et al., "3D Convolutional Neural Networks for Human Action Recognition", TPAMI 2013.
        Tran et al., "Learning Spatiotemporal Features with 3D Convolutional Networks", ICCV 2015.
        Lecture 004 (convolutional networks).
    """

    rank = 3
