"""Attention: a softmax over scores, masked, then a weighted sum of values; and its backward pass.

For queries q (..., T, d), keys k (..., S, d) and values v (..., S, d_v) (any leading axes: batch, heads):
    scores s = c q kᵀ (..., T, S)          (c: the scale, 1/sqrt(d) in a Transformer)
    weights w = softmax_S(s')              (s' = s, or -1e9 where the mask is False, as Keras in float32)
    dropped w' = w ⊙ r                     (r: an inverted dropout mask in training, else 1)
    output o = w' v (..., T, d_v)
Backward, from dJ/do (and dJ/dw when the weights are an output too):
    dJ/dv = w'ᵀ dJ/do;  dJ/dw = (dJ/do vᵀ) ⊙ r;  dJ/ds = w ⊙ (dJ/dw - sum_S dJ/dw ⊙ w) (softmax's rule);
    (0 where masked: s' does not depend on s there);  dJ/dq = c dJ/ds k;  dJ/dk = c dJ/dsᵀ q.
A fully masked row thus attends uniformly to every step and passes no gradient to its scores.
`attend`/`attend_backward` are the part after the scores, which attention layers with other scores (additive,
concatenated) share; `scaled_dot_product_attention` and its backward add the dot-product scores.
"""

import numpy as np

from layerwise import activations

_SOFTMAX = activations.get("softmax")
#: What a masked score becomes before the softmax (Keras's large negative number).
MASKED_SCORE = -1e9


def causal_mask(query_length, key_length):
    """The (T, S) boolean mask of a decoder: position i attends to positions j <= i."""
    return np.arange(key_length)[None, :] <= np.arange(query_length)[:, None]


def dropout_mask(generator, shape, rate, dtype):
    """An inverted dropout mask of ``shape``: 1/(1 - rate) with probability 1 - rate, else 0."""
    keep = np.greater_equal(generator.random(shape, dtype=dtype), rate).astype(dtype)
    keep *= 1.0 / (1.0 - rate)
    return keep


def attend(scores, value, mask=None, dropout=None):
    """Return (o, w): the output w' v and the softmax weights w (before dropout) of ``scores``.

    Args:
        scores: s (..., T, S).
        value: v (..., S, d_v).
        mask: a boolean array broadcastable to s, False where a query must not attend; or None.
        dropout: the dropout mask r (shape of s), or None.
    """
    if mask is not None:
        scores = np.where(mask, scores, MASKED_SCORE).astype(scores.dtype, copy=False)
    weights = _SOFTMAX.forward(scores)
    dropped = weights if dropout is None else weights * dropout
    return np.matmul(dropped, value), weights


def attend_backward(d_output, value, weights, mask=None, dropout=None, d_weights=None):
    """Return (dJ/ds, dJ/dv) from dJ/do and, if the weights w were also an output, their dJ/dw; ``mask`` and
    ``dropout`` as given to `attend`."""
    dropped = weights if dropout is None else weights * dropout
    d_value = np.matmul(np.swapaxes(dropped, -1, -2), d_output)
    d_dropped = np.matmul(d_output, np.swapaxes(value, -1, -2))
    d_softmax = d_dropped if dropout is None else d_dropped * dropout
    if d_weights is not None:
        d_softmax = d_softmax + d_weights
    d_scores = _SOFTMAX.backward(d_softmax, None, weights)
    if mask is not None:
        d_scores = np.where(mask, d_scores, 0).astype(d_scores.dtype, copy=False)
    return d_scores, d_value


def scaled_dot_product_attention(query, key, value, scale=1.0, mask=None, dropout=None):
    """Return (o, w) for the scores s = c q kᵀ; see `attend` for the mask and the dropout mask."""
    scores = np.matmul(query, np.swapaxes(key, -1, -2))
    if scale != 1.0:
        scores *= scale
    return attend(scores, value, mask, dropout)


def scaled_dot_product_attention_backward(d_output, query, key, value, weights, scale=1.0, mask=None, dropout=None,
                                          d_weights=None):
    """Return (dJ/dq, dJ/dk, dJ/dv) of `scaled_dot_product_attention` from its output's dJ/do (and dJ/dw)."""
    d_scores, d_value = attend_backward(d_output, value, weights, mask, dropout, d_weights)
    if scale != 1.0:
        d_scores *= scale
    return np.matmul(d_scores, key), np.matmul(np.swapaxes(d_scores, -1, -2), query), d_value
