"""SeparableConv1D: a depthwise 1-D convolution, then a pointwise one that mixes the channels."""

from layerwise.layers.convolutional.separable_conv2d import SeparableConv2D


class SeparableConv1D(SeparableConv2D):
    """`SeparableConv2D` over the steps of a sequence: y = phi(pointwise(depthwise(x)) + b), with
        h[n, t, c M + m] = sum_i u[i, c, m] x_p[n, t*s + i*d, c],   z[n, t, f] = b[f] + sum_k v[0, k, f] h[n, t, k],
    and the gradients of `SeparableConv2D` (its kernels run on the view (N, 1, L, C)).

    Args:
        filters: F, the number of output channels.
        kernel_size: k.
        strides: s.
        padding: "valid" or "same".
        dilation_rate: d.
        depth_multiplier, activation, use_bias: as `SeparableConv2D`.
        depthwise_initializer, pointwise_initializer, bias_initializer: as `SeparableConv2D`.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer: as `SeparableConv2D`.
        depthwise_constraint, pointwise_constraint, bias_constraint, **kwargs: as `SeparableConv2D`.

    Input shape:
        (batch, steps, channels).

    Output shape:
        (batch, new_steps, filters).

    Example:
        >>> import numpy as np
        >>> layer = SeparableConv1D(4, 3, depth_multiplier=2)
        >>> layer(np.zeros((2, 10, 3))).shape
        (2, 8, 4)
        >>> layer.depthwise_kernel.shape, layer.pointwise_kernel.shape
        ((3, 3, 2), (1, 6, 4))

    References:
        Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017.
        Lecture 004 (convolutional networks).
    """

    rank = 1
