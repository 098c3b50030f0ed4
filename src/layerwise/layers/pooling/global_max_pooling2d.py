"""GlobalMaxPooling2D: the maximum of each feature map."""

import numpy as np

from layerwise.layers.pooling._base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    """y[n, c] = max_{h, w} x[n, h, w, c];  dJ/dx is dJ/dy[n, c] at the (first) maximum, zero elsewhere.

    Args:
        keepdims: keep the spatial axes as size 1: output (batch, 1, 1, channels).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, channels), or (batch, 1, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> GlobalMaxPooling2D()(np.arange(8.0).reshape(1, 2, 2, 2))
        array([[6., 7.]], dtype=float32)

    References:
        Lecture 004 (subsampling).
    """

    def pool(self, x):
        self.argmax = x.argmax(axis=1)
        return np.take_along_axis(x, self.argmax[:, None, :], axis=1)[:, 0]

    def unpool(self, dy, dx):
        dx[...] = 0
        np.put_along_axis(dx, self.argmax[:, None, :], dy[:, None, :], axis=1)
