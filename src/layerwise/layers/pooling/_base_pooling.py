"""What the windowed pooling layers share: arguments, geometry and the 1-D as 2-D view."""

from layerwise.layers._spatial import (as_image_tuple, as_images, check_rank, from_images, normalize_padding,
                                       normalize_tuple)
from layerwise.layers.base import Layer
from layerwise.ops.pooling import pool_geometry


class BasePooling(Layer):
    """A pooling window over ``rank`` spatial axes; 1-D inputs (N, L, C) run as images (N, 1, L, C)."""

    rank = 2
    prefers_all_cores = True

    def __init__(self, pool_size=2, strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        layer = type(self).__name__
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size", layer)
        self.strides = self.pool_size if strides is None else normalize_tuple(strides, self.rank, "strides", layer)
        self.padding = normalize_padding(padding, layer)

    def _image_tuple(self, values):
        return as_image_tuple(values, self.rank)

    def build(self, input_shape):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'",
                   "(batch, " + ("height, width" if self.rank == 2 else "steps") + ", channels)")
        spatial = self._output_spatial(input_shape)
        if any(size is not None and size <= 0 for size in spatial):
            raise ValueError(f"{type(self).__name__} '{self.name}': input of shape {tuple(input_shape)} is "
                             f"smaller than the pool {self.pool_size} with padding 'valid'")

    def _geometry(self, input_hw):
        return pool_geometry(input_hw, self._image_tuple(self.pool_size), self._image_tuple(self.strides),
                             self.padding)

    def _output_spatial(self, input_shape):
        spatial = tuple(input_shape[1:-1])
        if None in spatial:
            return (None,) * self.rank
        output_hw = self._geometry(self._image_tuple(spatial)).output_hw
        return output_hw if self.rank == 2 else output_hw[1:]

    def forward(self, x, training=False):
        images = as_images(x, self.rank)
        self.pool_geometry = self._geometry(images.shape[1:3])
        return from_images(self.pool_forward(images, training), self.rank)

    def backward(self, dy):
        return from_images(self.pool_backward(as_images(dy, self.rank)), self.rank)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._output_spatial(input_shape) + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding}
