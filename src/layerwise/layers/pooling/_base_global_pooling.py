"""What the global pooling layers share: the (N, H*W, C) view, keepdims and the output shape."""

import numpy as np

from layerwise.layers._spatial import check_rank
from layerwise.layers.base import Layer


class BaseGlobalPooling(Layer):
    """Pools (batch, height, width, channels) over height and width to (batch, channels)."""

    def __init__(self, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)

    def build(self, input_shape):
        check_rank(input_shape, 4, f"{type(self).__name__} '{self.name}'")

    def forward(self, x, training=False):
        self.input_batch_shape = x.shape
        y = self.pool(x.reshape(len(x), -1, x.shape[-1]))
        return y[:, None, None, :] if self.keepdims else y

    def backward(self, dy):
        n, h, w, c = self.input_batch_shape
        dx = np.empty((n, h * w, c), dtype=dy.dtype)
        self.unpool(dy.reshape(n, c), dx)
        return dx.reshape(self.input_batch_shape)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 1, 1, input_shape[-1]) if self.keepdims else (input_shape[0], input_shape[-1])

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}
