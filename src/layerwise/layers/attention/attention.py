"""Attention: Luong's dot-product attention of a query sequence over a value sequence."""

import numpy as np

from layerwise.layers.attention._dense_attention import BaseDenseAttention
from layerwise.ops.attention import (attend, attend_backward, scaled_dot_product_attention,
                                     scaled_dot_product_attention_backward)

_SCORE_MODES = ("dot", "concat")


class Attention(BaseDenseAttention):
    """o = softmax(s(q, k)) v: each query step's weighted average of the value steps (Luong et al.).

    For query q (N, T, d), value v (N, S, d_v) and key k (N, S, d) (k = v when not given):
    s = c q kᵀ ("dot"; c the trainable scalar ``scale`` with ``use_scale``, else 1) or
    s_tj = w sum_d tanh(c (q_t + k_j)) ("concat"; w the trainable scalar ``concat_score_weight``);
    w = softmax_j(s) with masked scores set to -1e9; o = (w ⊙ r) v (r: the dropout mask in training);
    o_t = 0 where the query mask is False.
    Backward: dJ/dv = (w ⊙ r)ᵀ dJ/do, dJ/ds by softmax's rule from (dJ/do vᵀ) ⊙ r (see
    `layerwise.ops.attention`); "dot": dJ/dq = c dJ/ds k, dJ/dk = c dJ/dsᵀ q, dJ/dc = sum(dJ/ds ⊙ q kᵀ);
    "concat": with u = c (q_t + k_j), dJ/du = w dJ/ds (1 - tanh² u), dJ/dq_t = c sum_j dJ/du,
    dJ/dk_j = c sum_t dJ/du, dJ/dc = sum dJ/du ⊙ (q_t + k_j), dJ/dw = sum dJ/ds ⊙ sum_d tanh u.
    Without a key, dJ/dv gathers both of v's roles.

    Args:
        use_scale: learn the scalar c (initialized to 1).
        score_mode: "dot" (the dot product) or "concat" (tanh of the sum of query and key).
        dropout: the rate of dropout on the attention weights, in [0, 1).
        seed: seed of the dropout's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Call arguments:
        inputs: [query, value] or [query, value, key].
        mask: [query_mask (N, T), value_mask (N, S)] booleans (either may be None): value steps where the
            value mask is False get no weight, and the output is 0 at query steps where the query mask is.
        return_attention_scores: also return the weights w ⊙ r (N, T, S), as [output, weights].
        use_causal_mask: query step t attends only to value steps j <= t (decoder self-attention).

    Input shape:
        query (N, T, d), value (N, S, d_v), key (N, S, d).

    Output shape:
        (N, T, d_v); with ``return_attention_scores``, also (N, T, S).

    Example:
        >>> import numpy as np
        >>> query, value = np.ones((2, 3, 4)), np.arange(40.0).reshape(2, 5, 4)
        >>> Attention()([query, value]).shape
        (2, 3, 4)

    References:
        Luong, Pham & Manning, "Effective Approaches to Attention-based Neural Machine Translation", 2015.
        Keras ``keras.layers.Attention``.
    """

    @property
    def dot_product(self):
        """Whether the scores are the dot product c q kᵀ (AdditiveAttention's are not)."""
        return self.score_mode == "dot"

    def __init__(self, use_scale=False, score_mode="dot", dropout=0.0, seed=None, **kwargs):
        if score_mode not in _SCORE_MODES:
            raise ValueError(f"{type(self).__name__}: score_mode must be one of {_SCORE_MODES}, "
                             f"received {score_mode!r}")
        super().__init__(dropout=dropout, seed=seed, **kwargs)
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode

    def build(self, input_shapes):
        self.scale = self.add_weight("scale", (), "ones") if self.use_scale else None
        self.concat_score_weight = self.add_weight("concat_score_weight", (), "ones") \
            if self.score_mode == "concat" else None

    def attend(self, query, key, value, mask, dropout):
        if not self.dot_product:
            return attend(self.scores(query, key), value, mask, dropout)
        self.scaled_query = query if self.scale is None else query * self.scale.value
        return scaled_dot_product_attention(self.scaled_query, key, value, mask=mask, dropout=dropout)

    def attend_backward(self, d_output, d_weights):
        if not self.dot_product:
            d_scores, d_value = attend_backward(d_output, self.value, self.attention_weights, self.scores_mask,
                                                self.dropout_mask, d_weights)
            return (*self.scores_backward(d_scores), d_value)
        d_scaled, d_key, d_value = scaled_dot_product_attention_backward(
            d_output, self.scaled_query, self.key, self.value, self.attention_weights, mask=self.scores_mask,
            dropout=self.dropout_mask, d_weights=d_weights)
        if self.scale is None:
            return d_scaled, d_key, d_value
        self.scale.grad += np.vdot(d_scaled, self.query)
        return d_scaled * self.scale.value, d_key, d_value

    def scores(self, query, key):
        """s_tj = w sum_d tanh(c (q_t + k_j)), keeping q_t + k_j and the tanh for backward."""
        self.pair = query[:, :, None, :] + key[:, None, :, :]
        self.tanh = np.tanh(self.pair if self.scale is None else self.pair * self.scale.value)
        return self.tanh.sum(axis=-1) * self.concat_score_weight.value

    def scores_backward(self, d_scores):
        """(dJ/dq, dJ/dk) of `scores`, adding dJ/dw and dJ/dc into their grads."""
        self.concat_score_weight.grad += np.vdot(d_scores, self.tanh.sum(axis=-1))
        d_pair = (d_scores * self.concat_score_weight.value)[..., None] * (1 - self.tanh * self.tanh)
        if self.scale is not None:
            self.scale.grad += np.vdot(d_pair, self.pair)
            d_pair *= self.scale.value
        return d_pair.sum(axis=2), d_pair.sum(axis=1)

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode}
