"""CategoryEncoding: integer categories as one-hot, multi-hot or count vectors."""

import numpy as np

from layerwise.layers.preprocessing._categorical import CategoricalLayer
from layerwise.utils._arguments import check_integer


class CategoryEncoding(CategoricalLayer):
    """Integer categories t in [0, num_tokens) encoded by ``output_mode``: "one_hot" y[..., j] = [t = j] per entry,
    "multi_hot" y[..., j] = [j occurs in the sample] and "count" the number of times it does (the sample: the last
    axis), as Keras. Inputs are rounded to integers (they may come as floats); piecewise constant, so dJ/dx = 0,
    which backward returns.

    Keras's call also takes ``count_weights`` (weighted counts); it is not supported here.

    Args:
        num_tokens: the number of categories.
        output_mode: "multi_hot" (default), "one_hot" or "count".
        sparse: must be False (dense outputs only).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, ...) integers in [0, num_tokens).

    Output shape:
        "one_hot": (batch, ..., num_tokens) (the last axis replaced when it has size 1); "multi_hot" / "count":
        the last axis replaced by num_tokens (a rank-1 batch: one category per sample).

    Example:
        >>> import numpy as np
        >>> CategoryEncoding(num_tokens=4, output_mode="count")(np.array([[0, 1], [0, 0], [1, 2], [3, 1]]))
        array([[1., 1., 0., 0.],
               [2., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 1., 0., 1.]], dtype=float32)

    References:
        Keras ``keras.layers.CategoryEncoding``.
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(output_mode, sparse, output_modes=("one_hot", "multi_hot", "count"), **kwargs)
        self.num_tokens = check_integer(num_tokens, "num_tokens", "CategoryEncoding")

    @property
    def depth(self):
        return self.num_tokens

    def forward_indices(self, x):
        tokens = np.rint(x).astype(np.int64)
        if tokens.size and (tokens.min() < 0 or tokens.max() >= self.num_tokens):
            raise ValueError(f"Layer '{self.name}' (CategoryEncoding) takes categories in [0, {self.num_tokens}), "
                             f"received values from {tokens.min()} to {tokens.max()}")
        return tokens

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens}
