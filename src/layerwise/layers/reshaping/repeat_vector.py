"""RepeatVector: a vector repeated n times, as a sequence."""

import numpy as np

from layerwise.layers._spatial import check_rank
from layerwise.layers.base import Layer
from layerwise.utils._arguments import check_integer


class RepeatVector(Layer):
    """y[b, t, :] = x[b, :] for t < n; dJ/dx[b, :] = sum_t dJ/dy[b, t, :].

    Args:
        n: the number of repetitions, an int >= 1.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, features).

    Output shape:
        (batch, n, features).

    Example:
        >>> import numpy as np
        >>> RepeatVector(2)(np.array([[1.0, 2.0]]))
        array([[[1., 2.],
                [1., 2.]]], dtype=float32)

    References:
        Keras ``keras.layers.RepeatVector`` (the encoder-decoder's bridge).
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = check_integer(n, "n", "RepeatVector")

    def build(self, input_shape):
        check_rank(input_shape, 2, f"RepeatVector '{self.name}'", "(batch, features)")

    def forward(self, x, training=False):
        return np.repeat(x[:, None, :], self.n, axis=1)

    def backward(self, dy):
        return dy.sum(axis=1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}
