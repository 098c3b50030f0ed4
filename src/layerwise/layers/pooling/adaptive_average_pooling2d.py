"""AdaptiveAveragePooling2D: average pooling to a fixed output size, whatever the input size."""

from layerwise.layers._spatial import (LAYOUTS, as_image_tuple, as_images, check_rank, from_images,
                                       normalize_tuple)
from layerwise.layers.base import Layer
from layerwise.ops.resize import adaptive_average_matrix, resize, resize_backward


class AdaptiveAveragePooling2D(Layer):
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

    #: The spatial axes pooled (the 1-D variant pools the steps of (N, L, C)).
    rank = 2

    def __init__(self, output_size, **kwargs):
        super().__init__(**kwargs)
        self.output_size = normalize_tuple(output_size, self.rank, "output_size", type(self).__name__)

    def build(self, input_shape):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'",
                   LAYOUTS[self.rank])

    def forward(self, x, training=False):
        images = as_images(x, self.rank)
        self.input_batch_shape = images.shape
        self.rows, self.columns = (adaptive_average_matrix(source, target, x.dtype) for source, target in
                                   zip(images.shape[1:3], as_image_tuple(self.output_size, self.rank)))
        return from_images(resize(images, self.rows, self.columns), self.rank)

    def backward(self, dy):
        return from_images(resize_backward(as_images(dy, self.rank), self.rows, self.columns), self.rank)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.output_size, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "output_size": list(self.output_size)}
