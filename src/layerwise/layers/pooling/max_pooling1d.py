"""MaxPooling1D: max pooling along the steps of a sequence."""

from layerwise.layers.pooling.max_pooling2d import MaxPooling2D


class MaxPooling1D(MaxPooling2D):
    """y[n, t, c] = max_{i < p} x_p[n, t*s + i, c]; `MaxPooling2D` on the view (N, 1, L, C).

    Args:
        pool_size: p (default 2).
        strides: s (default: pool_size).
        padding: "valid" or "same".
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, steps, channels).

    Output shape:
        (batch, pooled_steps, channels).

    Example:
        >>> import numpy as np
        >>> MaxPooling1D()(np.array([[[1.0], [3.0], [2.0], [0.0], [5.0]]]))[0, :, 0]
        array([3., 2.], dtype=float32)

    References:
        Lecture 004 (subsampling).
    """

    rank = 1
