"""MaxPooling3D: the maximum over each window of a volume."""

from layerwise.layers.pooling.max_pooling2d import MaxPooling2D


class MaxPooling3D(MaxPooling2D):
    """y[n, a, p, q, c] = max_{k < pd, i < ph, j < pw} x_p[n, a*sd + k, p*sh + i, q*sw + j, c].

    x_p is x padded with -inf ('same': ceil(D/sd) x ceil(H/sh) x ceil(W/sw) outputs, Keras's padding amounts).
    It runs as `MaxPooling2D` over the planes (N D, H, W, C), then over the depth of (N, D, Ho Wo, C) with a
    (pd, 1) window: the maximum of a box is the maximum of its planes' maxima. Backward: each dJ/dy goes to the
    input its window's maximum came from, the first in (depth, row, column) order on ties, as PyTorch.

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
        >>> MaxPooling3D()(np.arange(16.0).reshape(1, 2, 2, 4, 1))[0, :, :, :, 0]
        array([[[13., 15.]]], dtype=float32)

    References:
        Lecture 004 (subsampling); Keras ``keras.layers.MaxPooling3D``; PyTorch ``F.max_pool3d``.
    """

    rank = 3
