"""GlobalMaxPooling1D: the max of each feature over the steps."""

from layerwise.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D


class GlobalMaxPooling1D(GlobalMaxPooling2D):
    """`GlobalMaxPooling2D` over the steps of a sequence: (batch, steps, channels) to (batch, channels).

    Args:
        keepdims: keep the steps axis as size 1: output (batch, 1, channels).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, steps, channels).

    Output shape:
        (batch, channels), or (batch, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> GlobalMaxPooling1D()(np.array([[[1.0, 4.0], [3.0, 2.0]]]))
        array([[3., 4.]], dtype=float32)
    """

    rank = 1
