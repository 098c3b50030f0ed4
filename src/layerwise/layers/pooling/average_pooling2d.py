"""AveragePooling2D: the mean over each window."""

from layerwise.layers.pooling._base_pooling import BasePooling
from layerwise.ops.pooling import average_pool_backward, average_pool_forward


class AveragePooling2D(BasePooling):
    """y[n, p, q, c] = (1 / count[p, q]) sum_{i, j} x_p[n, p*sh + i, q*sw + j, c].

    count[p, q] is the number of unpadded inputs in the window (padding never counts, as in Keras).
    Backward: every input of a window receives dJ/dy[n, p, q, c] / count[p, q].

    Args:
        pool_size: (ph, pw) or one int (default 2).
        strides: (sh, sw) or one int (default: pool_size).
        padding: "valid" or "same".
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, pooled_height, pooled_width, channels).

    Example:
        >>> import numpy as np
        >>> AveragePooling2D()(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
        array([[ 2.5,  4.5],
               [10.5, 12.5]], dtype=float32)

    References:
        Lecture 004 (subsampling); LeCun et al., 1998 (LeNet-5's averaging subsampling layers).
    """

    def pool_forward(self, x, pooling_pass, training=False):
        return average_pool_forward(x, pooling_pass.geometry)

    def pool_backward(self, dy, pooling_pass):
        return average_pool_backward(dy, pooling_pass.geometry)
