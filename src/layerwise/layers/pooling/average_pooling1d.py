"""AveragePooling1D: average pooling along the steps of a sequence."""

from layerwise.layers.pooling.average_pooling2d import AveragePooling2D


class AveragePooling1D(AveragePooling2D):
    """y[n, t, c] = mean of x_p[n, t*s : t*s + p, c] over its unpadded entries; `AveragePooling2D` on (N, 1, L, C).

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
        >>> AveragePooling1D()(np.array([[[1.0], [3.0], [2.0], [0.0], [5.0]]]))[0, :, 0]
        array([2., 1.], dtype=float32)

    References:
        Lecture 004 (subsampling).
    """

    rank = 1
