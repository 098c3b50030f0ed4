"""MaxPooling2D: the maximum over each window (lecture 004: subsampling)."""

from layerwise.layers.pooling._base_pooling import BasePooling
from layerwise.ops.pooling import max_pool_backward, max_pool_forward


class MaxPooling2D(BasePooling):
    """y[n, p, q, c] = max_{i < ph, j < pw} x_p[n, p*sh + i, q*sw + j, c].

    x_p is x padded with -inf ('same': ceil(H/sh) outputs, Keras's padding amounts). Backward:
    dJ/dx[n, h, w, c] = sum of dJ/dy[n, p, q, c] over the windows whose (first) maximum is x[n, h, w, c];
    the maximizing offsets are stored in forward as `argmax`.

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
        >>> MaxPooling2D()(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
        array([[ 5.,  7.],
               [13., 15.]], dtype=float32)

    References:
        Lecture 004 (subsampling: a_k computed from a 2x2 patch of the convolved image).
    """

    def pool_forward(self, x, pooling_pass, training=False):
        # Inference keeps x instead of the argmax: the argmax is found again if a backward pass follows.
        y, pooling_pass.argmax = max_pool_forward(x, pooling_pass.geometry, with_argmax=training)
        pooling_pass.x = None if training else x
        return y

    def pool_backward(self, dy, pooling_pass):
        if pooling_pass.argmax is None:
            pooling_pass.argmax = max_pool_forward(pooling_pass.x, pooling_pass.geometry)[1]
        return max_pool_backward(dy, pooling_pass.argmax, pooling_pass.geometry)
