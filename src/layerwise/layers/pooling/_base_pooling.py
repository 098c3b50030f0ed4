"""What the windowed pooling layers share: arguments, geometry, and their passes of the 2-D kernels.

Every window pooling runs as 2-D passes over channels-last views of its input (`layerwise.ops.pooling`):
1-D inputs (N, L, C) as images (N, 1, L, C); 3-D inputs (N, D, H, W, C) as the planes (N D, H, W, C) pooled
with the (ph, pw) window, then the depth of (N, D, Ho Wo, C) pooled with the (pd, 1) window. A box window's
maximum is the maximum of its planes' maxima and its mean is the mean of their means (each weighted by its
count of unpadded inputs, a product over the axes), so the two passes give the 3-D pooling exactly; pooling the
planes first keeps max pooling's ties on the first maximum in (depth, row, column) order, as PyTorch.
"""

from dataclasses import dataclass

import numpy as np

from layerwise.layers._spatial import LAYOUTS, check_rank, normalize_padding, normalize_tuple
from layerwise.layers.base import Layer
from layerwise.ops.conv import ConvGeometry
from layerwise.ops.pooling import pool_geometry


@dataclass
class PoolingPass:
    """One 2-D pass of a pooling layer's call: its window and what its backward needs.

    Attributes:
        geometry: the window over the (N', H', W', C) view it pools.
        x: the view's input, kept by max pooling in inference (the argmax is found again if a backward follows).
        argmax: where each window's maximum came from (max pooling in training).
    """

    geometry: ConvGeometry
    x: np.ndarray = None
    argmax: tuple = None


class BasePooling(Layer):
    """A pooling window over ``rank`` spatial axes; subclasses give one 2-D pass as `pool_forward`/`pool_backward`."""

    rank = 2
    memory_bound = True

    def __init__(self, pool_size=2, strides=None, padding="valid", **kwargs):
        super().__init__(**kwargs)
        layer = type(self).__name__
        self.pool_size = normalize_tuple(pool_size, self.rank, "pool_size", layer)
        self.strides = self.pool_size if strides is None else normalize_tuple(strides, self.rank, "strides", layer)
        self.padding = normalize_padding(padding, layer)

    def build(self, input_shape):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'", LAYOUTS[self.rank])
        spatial = self._output_spatial(input_shape)
        if any(size is not None and size <= 0 for size in spatial):
            raise ValueError(f"{type(self).__name__} '{self.name}': input of shape {tuple(input_shape)} is "
                             f"smaller than the pool {self.pool_size} with padding 'valid'")

    def _geometries(self, spatial):
        """The windows of the 2-D passes over inputs of ``spatial`` size, in the order they run."""
        if self.rank == 1:
            return [pool_geometry((1,) + tuple(spatial), (1,) + self.pool_size, (1,) + self.strides, self.padding)]
        planes = pool_geometry(tuple(spatial[-2:]), self.pool_size[-2:], self.strides[-2:], self.padding)
        if self.rank == 2:
            return [planes]
        depth = pool_geometry((spatial[0], planes.output_hw[0] * planes.output_hw[1]), (self.pool_size[0], 1),
                              (self.strides[0], 1), self.padding)
        return [planes, depth]

    def _output_spatial(self, input_shape):
        spatial = tuple(input_shape[1:-1])
        if None in spatial:
            return (None,) * self.rank
        geometries = self._geometries(spatial)
        if self.rank == 3:
            return (geometries[1].output_hw[0],) + geometries[0].output_hw
        return geometries[0].output_hw[2 - self.rank:]

    def forward(self, x, training=False):
        self.input_batch_shape, channels = x.shape, x.shape[-1]
        self.passes = [PoolingPass(geometry) for geometry in self._geometries(x.shape[1:-1])]
        y = x
        for pooling_pass in self.passes:
            y = self.pool_forward(y.reshape((-1,) + pooling_pass.geometry.input_hw + (channels,)), pooling_pass,
                                  training)
        return y.reshape(self.compute_output_shape(x.shape))

    def backward(self, dy):
        channels = dy.shape[-1]
        for pooling_pass in reversed(self.passes):
            dy = self.pool_backward(dy.reshape((-1,) + pooling_pass.geometry.output_hw + (channels,)), pooling_pass)
        return dy.reshape(self.input_batch_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._output_spatial(input_shape) + (input_shape[-1],)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "strides": list(self.strides),
                "padding": self.padding}
