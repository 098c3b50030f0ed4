"""AdaptiveMaxPooling2D: max pooling to a fixed output size, whatever the input size."""

from layerwise.layers.pooling._base_adaptive_pooling import BaseAdaptivePooling
from layerwise.ops.resize import adaptive_windows, window_max, window_max_backward


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """y[n, i, j, c] = the maximum of x over rows floor(i H/h) .. ceil((i + 1) H/h) - 1 and the columns alike
    (PyTorch's and Keras's windows), taken over the rows' windows, then the columns' (a maximum of maxima, one
    spatial axis at a time); dJ/dx is dJ/dy routed back to the entry that held each maximum (the first of ties
    along each axis).

    Args:
        output_size: (h, w) or one int.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, h, w, channels).

    Example:
        >>> import numpy as np
        >>> AdaptiveMaxPooling2D((1, 2))(np.arange(6.0).reshape(1, 2, 3, 1))[0, :, :, 0]
        array([[4., 5.]], dtype=float32)

    References:
        Keras ``keras.layers.AdaptiveMaxPooling2D``; PyTorch ``nn.AdaptiveMaxPool2d``.
    """

    def forward(self, x, training=False):
        self.input_spatial = x.shape[1:-1]
        self.sources = []
        for axis, (source, target) in enumerate(zip(self.input_spatial, self.output_size), start=1):
            x, where = window_max(x, adaptive_windows(source, target), axis)
            self.sources.append(where)
        return x

    def backward(self, dy):
        for axis in range(self.rank, 0, -1):
            dy = window_max_backward(dy, self.sources[axis - 1], self.input_spatial[axis - 1], axis)
        return dy
