"""GroupQueryAttention: multi-head attention whose query heads share fewer key and value heads."""

from layerwise.layers.attention._multi_head import BaseMultiHeadAttention
from layerwise.layers.base import format_shape
from layerwise.utils._arguments import check_integer


class GroupQueryAttention(BaseMultiHeadAttention):
    """Grouped-query attention (Ainslie et al.): `MultiHeadAttention` with ``num_query_heads`` query heads and
    ``num_key_value_heads`` key/value heads, each key/value head serving a group of
    num_query_heads / num_key_value_heads consecutive query heads (1 group: multi-query attention; as many
    groups as heads: multi-head attention).

    Forward, for query x_q (N, T, d), value x_v (N, S, d_v), key x_k (N, S, d_k) (x_k = x_v if not given):
    q = x_q W_q + b_q (N, T, H_q, head_dim), k = x_k W_k + b_k and v = x_v W_v + b_v (N, S, H_kv, head_dim);
    k and v repeated to H_q heads; per head softmax(q_h k_hᵀ / sqrt(head_dim) + mask) v_h; the heads
    projected back to d by W_o (H_q, head_dim, d) and b_o (d,).
    Backward: as `MultiHeadAttention`'s, with the gradients of a repeated head summed over its group.

    Args:
        head_dim: the size of each head.
        num_query_heads: H_q, the number of query heads.
        num_key_value_heads: H_kv, the number of key and value heads; it divides H_q.
        dropout: the rate of dropout on the attention weights, in [0, 1).
        use_bias: whether the four projections add biases.
        kernel_initializer, bias_initializer: as `MultiHeadAttention`'s.
        kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint: as `MultiHeadAttention`'s.
        seed: seed of the dropout's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Call arguments:
        As `MultiHeadAttention`'s: query, value, key=None, attention_mask, query_mask, value_mask, key_mask,
        return_attention_scores (the weights (N, H_q, T, S)), use_causal_mask, training.

    Input shape:
        query (N, T, d), value (N, S, d_v), key (N, S, d_k).

    Output shape:
        (N, T, d); with ``return_attention_scores``, also (N, H_q, T, S).

    Example:
        >>> import numpy as np
        >>> layer = GroupQueryAttention(head_dim=4, num_query_heads=4, num_key_value_heads=2)
        >>> query, value = np.ones((2, 3, 8)), np.ones((2, 5, 6))
        >>> layer(query, value).shape, [w.shape for w in layer.weights[::2]]
        ((2, 3, 8), [(8, 4, 4), (6, 2, 4), (6, 2, 4), (4, 4, 8)])

    References:
        Ainslie et al., "GQA: Training Generalized Multi-Query Transformer Models from Multi-Head Checkpoints",
        EMNLP 2023. Keras ``keras.layers.GroupQueryAttention``.
    """

    def __init__(self, head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, bias_constraint=None, seed=None, **kwargs):
        owner = "GroupQueryAttention"
        self.head_dim = self.key_dim = self.value_dim = check_integer(head_dim, "head_dim", owner)
        self.num_heads = check_integer(num_query_heads, "num_query_heads", owner)
        self.num_key_value_heads = check_integer(num_key_value_heads, "num_key_value_heads", owner)
        if self.num_heads % self.num_key_value_heads:
            raise ValueError(f"{owner}: num_query_heads must be a multiple of num_key_value_heads, received "
                             f"{num_query_heads} and {num_key_value_heads}")
        self.partial_output_shape = None
        super().__init__(dropout=dropout, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, seed=seed, **kwargs)

    @property
    def num_query_heads(self):
        return self.num_heads

    def check_shapes(self, shapes):
        if any(len(shape) != 3 for shape in shapes):
            raise ValueError(f"Layer '{self.name}' (GroupQueryAttention) needs query, value and key of shapes "
                             f"(batch, steps, features), received {', '.join(format_shape(s) for s in shapes)}")
        super().check_shapes(shapes)

    def get_config(self):
        return {**super().get_config(), "head_dim": self.head_dim, "num_query_heads": self.num_heads,
                "num_key_value_heads": self.num_key_value_heads}

