"""AdaptiveMaxPooling2D: max pooling to a fixed output size, whatever the input size."""

from layerwise.layers._spatial import as_image_tuple, as_images, from_images
from layerwise.layers.pooling._base_adaptive_pooling import BaseAdaptivePooling
from layerwise.ops.resize import adaptive_windows, window_max, window_max_backward


class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    """y[n, i, j, c] = the maximum of x over rows floor(i H/h) .. ceil((i + 1) H/h) - 1 and the columns alike
    (PyTorch's and Keras's windows), taken over the rows' windows, then the columns' (a maximum of maxima);
    dJ/dx is dJ/dy routed back to the entry that held each maximum (the first of ties).

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
        images = as_images(x, self.rank)
        self.input_hw = images.shape[1:3]
        rows, columns = (adaptive_windows(source, target) for source, target in
                         zip(self.input_hw, as_image_tuple(self.output_size, self.rank)))
        pooled_rows, self.row_sources = window_max(images, rows, 1)
        y, self.column_sources = window_max(pooled_rows, columns, 2)
        return from_images(y, self.rank)

    def backward(self, dy):
        d_rows = window_max_backward(as_images(dy, self.rank), self.column_sources, self.input_hw[1], 2)
        return from_images(window_max_backward(d_rows, self.row_sources, self.input_hw[0], 1), self.rank)
