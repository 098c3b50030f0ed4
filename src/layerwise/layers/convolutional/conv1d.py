"""Conv1D: the convolution of Conv2D over one axis (sequences, signals)."""

from layerwise.layers.convolutional.conv2d import Conv2D


class Conv1D(Conv2D):
    """1-D convolution y = phi(x * w + b) over (batch, steps, channels), as Keras's Conv1D.

    z[n, t, f] = b[f] + sum_{i, c} w[i, c, f] x_p[n, t*s + i*d, G(f) C/g + c]; the gradients are those of
    `Conv2D` for an image of height 1 (it runs the same kernels on the view (N, 1, L, C)).
    'causal' padding pads (k-1) d steps at the start only, so y[t] depends on x[<= t].

    Args:
        filters: F, the number of feature maps.
        kernel_size: k.
        strides: s.
        padding: "valid", "same" or "causal".
        dilation_rate: d.
        groups, activation, use_bias, kernel_initializer, bias_initializer: as `Conv2D`.
        kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint, **kwargs: as `Conv2D` (a filter
            is w[:, :, f], so ``MaxNorm(3, axis=[0, 1])`` bounds each filter's norm).

    Input shape:
        (batch, steps, channels).

    Output shape:
        (batch, new_steps, filters).

    Example:
        >>> import numpy as np
        >>> layer = Conv1D(4, 3, padding="causal")
        >>> layer(np.zeros((2, 10, 3))).shape
        (2, 10, 4)
        >>> layer.kernel.shape
        (3, 3, 4)

    References:
        Lecture 004 (convolutional networks); van den Oord et al., "WaveNet", 2016 (causal convolution).
    """

    rank = 1
    paddings = ("valid", "same", "causal")
