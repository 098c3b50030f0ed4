"""AdaptiveAveragePooling2D: average pooling to a fixed output size, whatever the input size."""

from layerwise.layers.pooling._base_adaptive_pooling import BaseAdaptivePooling
from layerwise.ops.resize import adaptive_average_matrix, along_axes


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """y[n, i, j, c] = the mean of x over rows floor(i H/h) .. ceil((i + 1) H/h) - 1 and the columns alike (PyTorch's
    and Keras's windows), computed as A_h x A_wᵀ with the averaging matrices A (`layerwise.ops.resize`), one per
    spatial axis; dJ/dx = A_hᵀ dJ/dy A_w.

    Args:
        output_size: (h, w) or one int.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, h, w, channels).

    Example:
        >>> import numpy as np
        >>> AdaptiveAveragePooling2D((1, 2))(np.arange(6.0).reshape(1, 2, 3, 1))[0, :, :, 0]
        array([[2., 3.]], dtype=float32)

    References:
        Keras ``keras.layers.AdaptiveAveragePooling2D``; PyTorch ``nn.AdaptiveAvgPool2d``.
    """

    def forward(self, x, training=False):
        self.averages = [adaptive_average_matrix(source, target, x.dtype)
                         for source, target in zip(x.shape[1:-1], self.output_size)]
        return along_axes(x, self.averages)

    def backward(self, dy):
        return along_axes(dy, [average.T for average in self.averages])
