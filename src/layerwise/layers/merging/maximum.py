"""Maximum: the element-wise maximum."""

import numpy as np

from layerwise.layers.merging._merge import Merge


class Maximum(Merge):
    """y = max(x_1, ..., x_k) element-wise; dJ/dx_i = dJ/dy where x_i is the (first) largest, else 0.

    Input shape:
        a list of k >= 2 tensors of one shape.

    Output shape:
        that shape.

    Example:
        >>> import numpy as np
        >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
        array([[3., 5.]], dtype=float32)

    References:
        Keras ``keras.layers.Maximum``; Goodfellow et al., "Maxout Networks", 2013.
    """

    def forward(self, inputs, training=False):
        stacked = np.stack(inputs)
        self.winner = stacked.argmax(axis=0)
        return np.take_along_axis(stacked, self.winner[None], axis=0)[0]

    def backward(self, dy):
        return [np.where(self.winner == i, dy, 0).astype(dy.dtype, copy=False) for i in range(self.count)]

    @property
    def count(self):
        return len(self.input_spec)
