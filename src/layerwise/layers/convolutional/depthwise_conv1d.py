"""DepthwiseConv1D: a separate 1-D convolution of each channel of a sequence."""

from layerwise.layers.convolutional.depthwise_conv2d import DepthwiseConv2D


class DepthwiseConv1D(DepthwiseConv2D):
    """`DepthwiseConv2D` over the steps of a sequence: channel c gets its own ``depth_multiplier`` filters,
    z[n, t, c m + j] = b + sum_i w[i, c, j] x_p[n, t*s + i*d, c] (the 2-D kernels on the view (N, 1, L, C)).

    Args:
        kernel_size: k.
        strides: s.
        padding: "valid" or "same".
        depth_multiplier, dilation_rate, activation, use_bias: as `DepthwiseConv2D`.
        depthwise_initializer, bias_initializer, depthwise_regularizer, depthwise_constraint, **kwargs: as
            `DepthwiseConv2D`.

    Input shape:
        (batch, steps, channels).

    Output shape:
        (batch, new_steps, channels * depth_multiplier).

    Example:
        >>> import numpy as np
        >>> layer = DepthwiseConv1D(3, depth_multiplier=2, padding="same")
        >>> layer(np.zeros((2, 10, 3))).shape, layer.kernel.shape
        ((2, 10, 6), (3, 3, 2))
    """

    rank = 1
