"""RandomCrop: a random window of each batch in training, Keras's centred crop and resize at inference."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer
from layerwise.ops.resize import aspect_crop_box, resize, resize_backward, resize_matrix
from layerwise.utils._arguments import check_integer


class RandomCrop(RandomLayer):
    """Keras's RandomCrop: in training, y = x[:, t : t + h, l : l + w] with one offset (t, l) drawn uniformly for
    the batch (when the images are larger than (h, w) on both axes); otherwise, and at inference, the centred
    window of the target's aspect ratio resized bilinearly to (h, w) (`layerwise.ops.resize`). dJ/dx is dJ/dy
    put back where it came from (through the resize's transposed weights), zeros elsewhere.

    Args:
        height, width: the output size.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, height, width, channels) of the arguments.

    Example:
        >>> import numpy as np
        >>> RandomCrop(2, 2, seed=0)(np.zeros((3, 5, 6, 1)), training=True).shape
        (3, 2, 2, 1)
    """

    def __init__(self, height, width, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.height = check_integer(height, "height", "RandomCrop")
        self.width = check_integer(width, "width", "RandomCrop")

    def forward(self, x, training=False):
        self.input_batch_shape = x.shape
        height, width = x.shape[1:3]
        if training and height > self.height and width > self.width:
            top, left = (int(self.rng.integers(0, size - target + 1))
                         for size, target in ((height, self.height), (width, self.width)))
            self.box, self.matrices = (top, left, self.height, self.width), None
            return x[:, top:top + self.height, left:left + self.width]
        top, left, crop_height, crop_width = self.box = aspect_crop_box(height, width, self.height, self.width)
        self.matrices = (resize_matrix(crop_height, self.height, "bilinear", x.dtype),
                         resize_matrix(crop_width, self.width, "bilinear", x.dtype))
        return resize(x[:, top:top + crop_height, left:left + crop_width], *self.matrices)

    def backward(self, dy):
        top, left, crop_height, crop_width = self.box
        dx = np.zeros(self.input_batch_shape, dtype=dy.dtype)
        window = dy if self.matrices is None else resize_backward(dy, *self.matrices)
        dx[:, top:top + crop_height, left:left + crop_width] = window
        return dx

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}
