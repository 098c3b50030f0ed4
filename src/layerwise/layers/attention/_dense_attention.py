"""The base of Attention and AdditiveAttention: a list [query, value(, key)] in, the masks, the dropout on
the attention weights, and the list of gradients out."""

import numpy as np

from layerwise.layers.base import format_shape
from layerwise.layers.merging._merge import Merge
from layerwise.layers.regularization._stochastic import SeededGenerator
from layerwise.ops.attention import causal_mask, dropout_mask


def check_dropout(owner, dropout):
    """Return ``dropout`` as a float in [0, 1), else raise a ValueError naming the layer."""
    if not np.isscalar(dropout) or isinstance(dropout, (str, bool)) or not 0 <= dropout < 1:
        raise ValueError(f"{owner}: dropout must lie in [0, 1), received {dropout!r}")
    return float(dropout)


class BaseDenseAttention(SeededGenerator, Merge):
    """o = attention of query q (N, T, d) over value v (N, S, d_v) with key k (N, S, d), k = v when not given.

    Subclasses compute the attention in ``attend(query, key, value, mask, dropout) -> (o, w)`` and its
    gradients in ``attend_backward(d_output, d_weights) -> (dJ/dq, dJ/dk, dJ/dv)``; this base prepares the
    inputs, the boolean score mask (N or 1, T, S) from the value mask and the causal mask, the dropout mask
    of the weights in training, zeroes the output at masked query steps, and returns [dJ/dq, dJ/dv(, dJ/dk)]
    (dJ/dv + dJ/dk when the value served as key).
    """

    min_inputs, max_inputs = 2, 3
    symbolic_call_arguments = ("return_attention_scores", "use_causal_mask")

    def __init__(self, dropout=0.0, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.dropout = check_dropout(type(self).__name__, dropout)
        self.init_generator(seed)

    @property
    def stochastic(self):
        return self.dropout > 0

    def check_shapes(self, shapes):
        name = f"Layer '{self.name}' ({type(self).__name__})"
        if any(len(shape) != 3 for shape in shapes):
            raise ValueError(f"{name} needs [query, value(, key)] of shapes (batch, steps, features), received "
                             f"{', '.join(format_shape(s) for s in shapes)}")
        query, value = shapes[:2]
        key = shapes[2] if len(shapes) == 3 else value
        if None not in (value[1], key[1]) and value[1] != key[1]:
            raise ValueError(f"{name}: value and key need the same number of steps, received value "
                             f"{format_shape(value)} and key {format_shape(key)}")
        if query[-1] != key[-1]:
            raise ValueError(f"{name}: query and key need the same number of features, received query "
                             f"{format_shape(query)} and key {format_shape(key)}")

    def compute_output_shape(self, input_shapes, return_attention_scores=False, use_causal_mask=False):
        query, value = input_shapes[:2]
        output = (*query[:-1], value[-1])
        return [output, (query[0], query[1], value[1])] if return_attention_scores else output

    def _mask(self, mask, x, argument):
        mask = np.asarray(mask).astype(bool, copy=False)
        if mask.shape != x.shape[:2]:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}): {argument} must have shape "
                             f"{x.shape[:2]} (batch, steps), received {mask.shape}")
        return mask

    def forward(self, inputs, training=False, mask=None, return_attention_scores=False, use_causal_mask=False):
        self.query, self.value = inputs[:2]
        self.key = inputs[2] if len(inputs) == 3 else self.value
        if mask is not None and (not isinstance(mask, (list, tuple)) or len(mask) not in (2, 3)):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}): mask must be a list [query_mask, "
                             f"value_mask], received {type(mask).__name__}")
        query_mask, value_mask = [None if m is None else self._mask(m, x, argument) for m, x, argument in
                                  zip(mask or [None, None], inputs, ("query_mask", "value_mask"))]
        self.scores_mask = None if value_mask is None else value_mask[:, None, :]
        if use_causal_mask:
            causal = causal_mask(self.query.shape[1], self.value.shape[1])[None]
            self.scores_mask = causal if self.scores_mask is None else self.scores_mask & causal
        shape = (len(self.query), self.query.shape[1], self.value.shape[1])
        self.dropout_mask = dropout_mask(self.generator(), shape, self.dropout, self.query.dtype) \
            if training and self.dropout > 0 else None
        output, self.attention_weights = self.attend(self.query, self.key, self.value, self.scores_mask,
                                                     self.dropout_mask)
        self.query_mask = None if query_mask is None else query_mask[..., None]
        if self.query_mask is not None:
            output *= self.query_mask
        self.returns_scores = bool(return_attention_scores)
        if not self.returns_scores:
            return output
        return [output, self.attention_weights if self.dropout_mask is None else
                self.attention_weights * self.dropout_mask]

    def backward(self, dy):
        d_weights = None
        if self.returns_scores:
            dy, d_weights = dy
            if d_weights is not None and self.dropout_mask is not None:
                d_weights = d_weights * self.dropout_mask
            if dy is None:
                dy = np.zeros(self.query.shape[:2] + self.value.shape[-1:], self.value.dtype)
        if self.query_mask is not None:
            dy = dy * self.query_mask
        d_query, d_key, d_value = self.attend_backward(dy, d_weights)
        return [d_query, d_value + d_key] if len(self.input_spec) == 2 else [d_query, d_value, d_key]

    def get_config(self):
        return {**super().get_config(), "dropout": self.dropout, "seed": self.seed}
