"""Resizing: images resized to a fixed height and width."""

import numpy as np

from layerwise.layers.base import Layer
from layerwise.layers.preprocessing._augmentation import check_choice
from layerwise.ops.resize import INTERPOLATIONS, aspect_crop_box, resize, resize_backward, resize_matrix
from layerwise.utils._arguments import check_integer


class Resizing(Layer):
    """y = R_h x R_wᵀ per image and channel (`layerwise.ops.resize`): bilinear or nearest resampling at half-pixel
    centres, as Keras; dJ/dx = R_hᵀ dJ/dy R_w. With ``crop_to_aspect_ratio`` the largest centred window of the
    target's aspect ratio is cut out first (its backward pads dJ/dx with zeros).

    Args:
        height, width: the output size.
        interpolation: "bilinear" (default) or "nearest".
        crop_to_aspect_ratio: crop to the target's aspect ratio before resizing, so nothing is distorted.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, height, width, channels) of the arguments.

    Example:
        >>> import numpy as np
        >>> Resizing(1, 2)(np.array([[[[1.0], [3.0]], [[5.0], [7.0]]]]))[0, :, :, 0]
        array([[3., 5.]], dtype=float32)

    References:
        Keras ``keras.layers.Resizing`` (without antialias or pad_to_aspect_ratio).
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = check_integer(height, "height", "Resizing"), check_integer(width, "width", "Resizing")
        self.interpolation = check_choice("Resizing", "interpolation", interpolation, INTERPOLATIONS)
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError(f"Layer '{self.name}' (Resizing) expects images of shape (batch, height, width, "
                             f"channels), received {tuple(input_shape)}")

    def forward(self, x, training=False):
        self.input_batch_shape = x.shape
        height, width = x.shape[1:3]
        top, left, crop_height, crop_width = (aspect_crop_box(height, width, self.height, self.width)
                                              if self.crop_to_aspect_ratio else (0, 0, height, width))
        self.box = (top, left, crop_height, crop_width)
        self.rows = resize_matrix(crop_height, self.height, self.interpolation, x.dtype)
        self.columns = resize_matrix(crop_width, self.width, self.interpolation, x.dtype)
        return resize(x[:, top:top + crop_height, left:left + crop_width], self.rows, self.columns)

    def backward(self, dy):
        top, left, crop_height, crop_width = self.box
        dx = np.zeros(self.input_batch_shape, dtype=dy.dtype)
        dx[:, top:top + crop_height, left:left + crop_width] = resize_backward(dy, self.rows, self.columns)
        return dx

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation, "crop_to_aspect_ratio": self.crop_to_aspect_ratio}
