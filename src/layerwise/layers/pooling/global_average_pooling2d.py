"""GlobalAveragePooling2D: the mean of each feature map."""

from layerwise.layers.pooling._base_global_pooling import BaseGlobalPooling


class GlobalAveragePooling2D(BaseGlobalPooling):
    """y[n, c] = (1 / HW) sum_{h, w} x[n, h, w, c];  dJ/dx[n, h, w, c] = dJ/dy[n, c] / HW.

    Args:
        keepdims: keep the spatial axes as size 1: output (batch, 1, 1, channels).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, channels), or (batch, 1, 1, channels) with keepdims.

    Example:
        >>> import numpy as np
        >>> GlobalAveragePooling2D()(np.arange(8.0).reshape(1, 2, 2, 2))
        array([[3., 4.]], dtype=float32)

    References:
        Lin et al., "Network In Network", 2014. Lecture 004 (subsampling).
    """

    def pool(self, x):
        return x.mean(axis=1)

    def unpool(self, dy, dx):
        dx[...] = (dy * (1.0 / dx.shape[1]))[:, None, :]
