"""AdditiveAttention: Bahdanau's attention, whose scores are a learned sum of tanh(query + key)."""

import numpy as np

from layerwise.layers.attention.attention import Attention


class AdditiveAttention(Attention):
    """o = softmax(s) v with s_tj = sum_d c_d tanh(q_td + k_jd) (Bahdanau et al.); see `Attention`.

    Forward, for query q (N, T, d), value v (N, S, d_v), key k (N, S, d) (k = v when not given):
    u_tj = q_t + k_j, s_tj = sum_d c_d tanh(u_tjd) (c (d,) the trainable ``scale`` with ``use_scale``,
    else 1), then the masked softmax, dropout and weighted sum of `Attention`.
    Backward: dJ/du = dJ/ds c (1 - tanh² u); dJ/dq_t = sum_j dJ/du_tj; dJ/dk_j = sum_t dJ/du_tj;
    dJ/dc = sum_{n,t,j} dJ/ds tanh(u).

    Args:
        use_scale: learn the per-feature scale c (initialized by Glorot's uniform rule, as Keras).
        dropout: the rate of dropout on the attention weights, in [0, 1).
        seed: seed of the dropout's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Call arguments:
        As `Attention`: [query, value(, key)], ``mask=[query_mask, value_mask]``,
        ``return_attention_scores``, ``use_causal_mask``.

    Input shape:
        query (N, T, d), value (N, S, d_v), key (N, S, d).

    Output shape:
        (N, T, d_v); with ``return_attention_scores``, also (N, T, S).

    Example:
        >>> import numpy as np
        >>> query, value = np.ones((2, 3, 4)), np.arange(40.0).reshape(2, 5, 4)
        >>> AdditiveAttention()([query, value]).shape
        (2, 3, 4)

    References:
        Bahdanau, Cho & Bengio, "Neural Machine Translation by Jointly Learning to Align and Translate", 2015.
        Keras ``keras.layers.AdditiveAttention``.
    """

    dot_product = False

    def __init__(self, use_scale=True, dropout=0.0, seed=None, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, seed=seed, **kwargs)

    def build(self, input_shapes):
        self.scale = self.add_weight("scale", (input_shapes[0][-1],), "glorot_uniform") if self.use_scale else None

    def scores(self, query, key):
        """s_tj = sum_d c_d tanh(q_td + k_jd), keeping the tanh for backward."""
        self.tanh = np.tanh(query[:, :, None, :] + key[:, None, :, :])
        return (self.tanh if self.scale is None else self.tanh * self.scale.value).sum(axis=-1)

    def scores_backward(self, d_scores):
        """(dJ/dq, dJ/dk) of `scores`, adding dJ/dc into the scale's grad."""
        d_scores = d_scores[..., None]
        if self.scale is not None:
            self.scale.grad += (d_scores * self.tanh).sum(axis=(0, 1, 2))
            d_scores = d_scores * self.scale.value
        d_sum = d_scores * (1 - self.tanh * self.tanh)
        return d_sum.sum(axis=2), d_sum.sum(axis=1)

    def get_config(self):
        config = super().get_config()
        del config["score_mode"]
        return config
