"""AveragePooling3D: the mean over each window of a volume."""

from layerwise.layers.pooling.average_pooling2d import AveragePooling2D


class AveragePooling3D(AveragePooling2D):
    """y[n, a, p, q, c] = (1 / count[a, p, q]) sum_{k, i, j} x_p[n, a*sd + k, p*sh + i, q*sw + j, c].

    count is the number of unpadded inputs in the window (padding never counts, as in Keras; PyTorch's
    ``count_include_pad=False``). It runs as `AveragePooling2D` over the planes (N D, H, W, C), then over the
    depth of (N, D, Ho Wo, C) with a (pd, 1) window: the count of a box is the product of its counts along the
    axes, so the mean of the planes' means is the box's mean. Backward: every input of a window receives
    dJ/dy / count.

    Args:
        pool_size: (pd, ph, pw) or one int (default 2).
        strides: (sd, sh, sw) or one int (default: pool_size).
        padding: "valid" or "same".
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, pooled_depth, pooled_height, pooled_width, channels).

    Example:
        >>> import numpy as np
        >>> AveragePooling3D()(np.arange(16.0).reshape(1, 2, 2, 4, 1))[0, :, :, :, 0]
        array([[[6.5, 8.5]]], dtype=float32)

    References:
        Lecture 004 (subsampling); Keras ``keras.layers.AveragePooling3D``; PyTorch ``F.avg_pool3d``.
    """

    rank = 3
