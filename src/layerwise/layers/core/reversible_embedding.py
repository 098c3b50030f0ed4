"""ReversibleEmbedding: an Embedding that also maps hidden vectors back to logits over its vocabulary."""

import numpy as np

from layerwise.layers.core.embedding import Embedding
from layerwise.layers.symbolic import format_shape


class ReversibleEmbedding(Embedding):
    """`Embedding` (y[n, t] = E[x[n, t]]) whose call with ``reverse=True`` projects hidden vectors h (..., d) back to
    logits over the V tokens, with E itself (tied weights, Press and Wolf 2016) or a separate matrix R:

        z = h Eᵀ (tied) or h R (R (d, V), ``tie_weights=False``),  y = z, or c tanh(z / c) with ``logit_soft_cap`` c.

    Reverse backward, with dJ/dz = dJ/dy (1 - tanh²(z / c)) under the cap:
        dJ/dh = dJ/dz E (or dJ/dz Rᵀ),   dJ/dE += dJ/dzᵀ h (or dJ/dR += hᵀ dJ/dz), summed over the leading axes;
    a tied E so gathers the gradients of both of its uses (the lookup's rows and the projection).

    Token ids are checked as `Embedding`'s (the shape of the first call's ids); hidden vectors may have any leading
    shape with d last. The layer must be built by a call on ids before its first reverse call, and reverse calls
    run on arrays (a functional graph cannot hold one layer in two modes).

    Args:
        input_dim: V, the vocabulary size.
        output_dim: d, the size of each vector.
        tie_weights: project back with Eᵀ (default True), or with a separate trainable ``reverse_embeddings``
            R (d, V) drawn with ``embeddings_initializer``.
        embeddings_initializer, embeddings_regularizer, embeddings_constraint, mask_zero: as `Embedding`.
        logit_soft_cap: c > 0 to squash reverse logits into (-c, c), or None.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, ...) token ids; with reverse=True, (batch, ..., d).

    Output shape:
        (batch, ..., d); with reverse=True, (batch, ..., V).

    Example:
        >>> import numpy as np
        >>> layer = ReversibleEmbedding(10, 4)
        >>> hidden = layer(np.array([[3, 1, 0]]))
        >>> logits = layer(hidden, reverse=True)
        >>> logits.shape
        (1, 3, 10)
        >>> bool(np.allclose(logits, hidden @ layer.embeddings.value.T))
        True

    References:
        Keras ``keras.layers.ReversibleEmbedding``; Press and Wolf, "Using the Output Embedding to Improve
        Language Models", 2016; Vaswani et al., "Attention Is All You Need", 2017.
    """

    def __init__(self, input_dim, output_dim, tie_weights=True, embeddings_initializer="random_uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, logit_soft_cap=None,
                 **kwargs):
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer, embeddings_constraint=embeddings_constraint,
                         mask_zero=mask_zero, **kwargs)
        if not isinstance(tie_weights, (bool, np.bool_)):
            raise ValueError(f"ReversibleEmbedding: tie_weights must be True or False, received {tie_weights!r}")
        if logit_soft_cap is not None and (isinstance(logit_soft_cap, bool) or not isinstance(
                logit_soft_cap, (int, float, np.floating, np.integer)) or not logit_soft_cap > 0):
            raise ValueError(f"ReversibleEmbedding: logit_soft_cap must be a positive number or None, received "
                             f"{logit_soft_cap!r}")
        self.tie_weights = bool(tie_weights)
        self.logit_soft_cap = None if logit_soft_cap is None else float(logit_soft_cap)
        self.reversed = False

    def build(self, input_shape):
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight("reverse_embeddings", (self.output_dim, self.input_dim),
                                                      self.embeddings_initializer)

    def __call__(self, x, training=None, mask=None, input_gradient=True, reverse=False, **call_arguments):
        """Look up ids, or with ``reverse=True`` project hidden vectors to logits (see the class)."""
        self.reversed = bool(reverse)  # this call's mode, read by prepare_input and backward
        if self.reversed:
            call_arguments["reverse"] = True
        return super().__call__(x, training=training, mask=mask, input_gradient=input_gradient, **call_arguments)

    def prepare_input(self, x):
        if not self.reversed:
            return super().prepare_input(x)
        x = np.asarray(x)
        if not self.built:
            raise ValueError(f"Layer '{self.name}' (ReversibleEmbedding): call it on token ids before calling it "
                             "with reverse=True (that first call builds its embeddings)")
        if x.ndim < 2 or x.shape[-1] != self.output_dim:
            raise ValueError(f"Layer '{self.name}' (ReversibleEmbedding) expected hidden vectors of shape "
                             f"{format_shape((None, '...', self.output_dim))} with reverse=True, received {x.shape}")
        return x if x.dtype == self.dtype else x.astype(self.dtype)

    def forward(self, x, training=False, reverse=False):
        if not reverse:
            return super().forward(x, training)
        self.hidden, self.output_mask = x, None
        logits = x @ (self.embeddings.value.T if self.tie_weights else self.reverse_embeddings.value)
        if self.logit_soft_cap is None:
            return logits
        self.squashed = np.tanh(logits * (1.0 / self.logit_soft_cap))
        return self.squashed * self.logit_soft_cap

    def backward(self, dy):
        if not self.reversed:
            return super().backward(dy)
        dz = dy if self.logit_soft_cap is None else dy * (1.0 - self.squashed * self.squashed)
        hidden, dz_rows = self.hidden.reshape(-1, self.output_dim), dz.reshape(-1, self.input_dim)
        if self.tie_weights:
            self.embeddings.accumulate_matmul(dz_rows.T, hidden)
            return dz @ self.embeddings.value
        self.reverse_embeddings.accumulate_matmul(hidden.T, dz_rows)
        return dz @ self.reverse_embeddings.value.T

    def compute_output_shape(self, input_shape, reverse=False):
        if reverse:
            return tuple(input_shape[:-1]) + (self.input_dim,)
        return super().compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights, "logit_soft_cap": self.logit_soft_cap}
