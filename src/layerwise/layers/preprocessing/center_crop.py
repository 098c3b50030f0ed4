"""CenterCrop: the central window of each image."""

import numpy as np

from layerwise.layers.base import Layer
from layerwise.utils._arguments import check_integer


class CenterCrop(Layer):
    """y = x[:, t : t + h, l : l + w] with t = (H - h) // 2 and l = (W - w) // 2, as Keras; dJ/dx = dJ/dy padded
    with zeros back to (H, W).

    Args:
        height, width: the size of the window, at most the input's (Keras resizes a smaller input; layerwise
            refuses it, naming the shapes).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, height, width, channels) of the arguments.

    Example:
        >>> import numpy as np
        >>> CenterCrop(1, 2)(np.arange(12.0).reshape(1, 3, 4, 1))[0, :, :, 0]
        array([[5., 6.]], dtype=float32)
    """

    def __init__(self, height, width, **kwargs):
        super().__init__(**kwargs)
        self.height = check_integer(height, "height", "CenterCrop")
        self.width = check_integer(width, "width", "CenterCrop")

    def build(self, input_shape):
        if len(input_shape) != 4 or any(size is not None and size < target for size, target in
                                        zip(input_shape[1:3], (self.height, self.width))):
            raise ValueError(f"Layer '{self.name}' (CenterCrop) expects images of shape (batch, height, width, "
                             f"channels) of at least {self.height} x {self.width}, received {tuple(input_shape)}")

    def forward(self, x, training=False):
        self.input_batch_shape = x.shape
        self.top, self.left = (x.shape[1] - self.height) // 2, (x.shape[2] - self.width) // 2
        return x[:, self.top:self.top + self.height, self.left:self.left + self.width]

    def backward(self, dy):
        dx = np.zeros(self.input_batch_shape, dtype=dy.dtype)
        dx[:, self.top:self.top + self.height, self.left:self.left + self.width] = dy
        return dx

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
