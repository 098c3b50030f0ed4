"""AdaptiveAveragePooling2D: average pooling to a fixed output size, whatever the input size."""

from layerwise.layers._spatial import as_image_tuple, as_images, from_images
from layerwise.layers.pooling._base_adaptive_pooling import BaseAdaptivePooling
from layerwise.ops.resize import adaptive_average_matrix, resize, resize_backward


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """y[n, i, j, c] = the mean of x over rows floor(i H/h) .. ceil((i + 1) H/h) - 1 and the columns alike (PyTorch's
    and Keras's windows), computed as A_h x A_wᵀ with the averaging matrices A (`layerwise.ops.resize`);
    dJ/dx = A_hᵀ dJ/dy A_w.

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
        images = as_images(x, self.rank)
        self.input_batch_shape = images.shape
        self.rows, self.columns = (adaptive_average_matrix(source, target, x.dtype) for source, target in
                                   zip(images.shape[1:3], as_image_tuple(self.output_size, self.rank)))
        return from_images(resize(images, self.rows, self.columns), self.rank)

    def backward(self, dy):
        return from_images(resize_backward(as_images(dy, self.rank), self.rows, self.columns), self.rank)
