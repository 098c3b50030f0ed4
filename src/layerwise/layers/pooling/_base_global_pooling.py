"""What the global pooling layers share: the (N, H*W, C) view, keepdims and the output shape."""

import math

import numpy as np

from layerwise.layers._spatial import LAYOUTS, check_rank
from layerwise.layers.base import Layer


class BaseGlobalPooling(Layer):
    """Pools (batch, *spatial, channels) over its `rank` spatial axes (height and width; steps for rank 1) to
    (batch, channels)."""

    rank = 2

    def __init__(self, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)

    def build(self, input_shape):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'",
                   LAYOUTS[self.rank])

    def forward(self, x, training=False):
        self.input_batch_shape = x.shape
        y = self.pool(x.reshape(len(x), -1, x.shape[-1]))
        return y.reshape((len(y),) + (1,) * self.rank + (y.shape[-1],)) if self.keepdims else y

    def backward(self, dy):
        n, c = self.input_batch_shape[0], self.input_batch_shape[-1]
        dx = np.empty((n, math.prod(self.input_batch_shape[1:-1]), c), dtype=dy.dtype)
        self.unpool(dy.reshape(n, c), dx)
        return dx.reshape(self.input_batch_shape)

    def compute_output_shape(self, input_shape):
        if self.keepdims:
            return (input_shape[0],) + (1,) * self.rank + (input_shape[-1],)
        return (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}
