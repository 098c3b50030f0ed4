"""GlobalMaxPooling3D: the max of each feature over a volume."""

from layerwise.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D


class GlobalMaxPooling3D(GlobalMaxPooling2D):
    """`GlobalMaxPooling2D` over the three spatial axes of a volume: (batch, depth, height, width, channels) to
    (batch, channels).

    Args:
        keepdims: keep the spatial axes as size 1: output (batch, 1, 1, 1, channels).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, channels), or (batch, 1, 1, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> GlobalMaxPooling3D()(np.arange(8.0).reshape(1, 2, 2, 2, 1))
        array([[7.]], dtype=float32)
    """

    rank = 3
