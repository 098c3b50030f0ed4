"""Embedding: integer tokens to dense vectors."""

import numpy as np

from layerwise import initializers
from layerwise.layers.base import Layer
from layerwise.utils._arguments import check_integer


class Embedding(Layer):
    """Look up a row of E for each integer token: y[n, t] = E[x[n, t]].

    Forward, for x of integer ids in [0, input_dim) of shape (N, T): y = E[x] (N, T, output_dim).
    Backward: dJ/dE[k] = sum over the positions (n, t) with x[n, t] = k of dJ/dy[n, t]; the ids are
    discrete, so dJ/dx is zero (returned as zeros for the layer protocol). With ``mask_zero`` id 0 is
    padding: ``output_mask`` = (x != 0) goes to the next layer (see `layerwise.layers.Masking`).

    Args:
        input_dim: the vocabulary size.
        output_dim: the size of each vector.
        embeddings_initializer: initializer of E (Keras's default: uniform on [-0.05, 0.05]).
        embeddings_regularizer: penalty R(E) added to the loss, on the whole table (its gradient reaches
            the rows of tokens absent from the batch too).
        embeddings_constraint: projection of E after each update (``MaxNorm(c, axis=1)`` bounds the norm
            of each token's vector; the default axis=0 bounds each embedding dimension instead).
        mask_zero: treat id 0 as padding and emit a mask.
        **kwargs: `Layer` arguments; the ids arrive in the layer's float dtype (exact up to 2**24 in
            float32) and are rounded to integers.

    Input shape:
        (batch, time) integer ids.

    Output shape:
        (batch, time, output_dim).

    Example:
        >>> import numpy as np
        >>> layer = Embedding(10, 4, mask_zero=True)
        >>> layer(np.array([[3, 1, 0]])).shape
        (1, 3, 4)
        >>> layer.output_mask
        array([[ True,  True, False]])

    References:
        Bengio et al., "A neural probabilistic language model", 2003. Lecture 002 (deep architectures).
    """

    def __init__(self, input_dim, output_dim, embeddings_initializer="random_uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        for argument, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            check_integer(value, argument, "Embedding")
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = embeddings_initializer
        self.set_weight_options(embeddings_regularizer=embeddings_regularizer,
                                embeddings_constraint=embeddings_constraint)
        self.mask_zero = mask_zero
        self.output_mask = None

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", (self.input_dim, self.output_dim),
                                          self.embeddings_initializer, self.embeddings_regularizer,
                                          self.embeddings_constraint)

    def forward(self, x, training=False):
        ids = np.rint(x).astype(np.intp)
        if ids.size and (ids.min() < 0 or ids.max() >= self.input_dim):
            raise ValueError(f"Layer '{self.name}' (Embedding): ids must lie in [0, {self.input_dim}), "
                             f"received values in [{ids.min()}, {ids.max()}]")
        self.ids = ids
        self.output_mask = ids != 0 if self.mask_zero else None
        return self.embeddings.value[ids]

    def backward(self, dy):
        np.add.at(self.embeddings.grad, self.ids.reshape(-1), dy.reshape(-1, self.output_dim))
        return np.zeros(self.ids.shape, self.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                **self.weight_options_config("embeddings_regularizer", "embeddings_constraint"),
                "mask_zero": self.mask_zero}
