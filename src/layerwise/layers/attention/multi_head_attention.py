"""MultiHeadAttention: the Transformer's attention, several heads of scaled dot-product attention."""

from layerwise.layers.attention._multi_head import BaseMultiHeadAttention
from layerwise.utils._arguments import check_integer, check_sample_shape


class MultiHeadAttention(BaseMultiHeadAttention):
    """y = concat_h(softmax(q_h k_hᵀ / sqrt(key_dim)) v_h) W_o + b_o, with q_h, k_h, v_h projections of the
    query, key and value (Vaswani et al.).

    Forward, for query x_q (N, T, d_q), value x_v (N, S, d_v), key x_k (N, S, d_k) (x_k = x_v if not given):
    q = x_q W_q + b_q (N, T, H, key_dim) with W_q (d_q, H, key_dim), b_q (H, key_dim); k = x_k W_k + b_k and
    v = x_v W_v + b_v (value_dim) likewise; per head h, a_h = softmax(q_h k_hᵀ / sqrt(key_dim) + mask)
    (N, H, T, S), o_h = dropout(a_h) v_h; y = sum_{h,e} o_{h,e} W_o[h, e] + b_o with W_o (H, value_dim, d_out).
    Backward: dJ/dW_o = sum o ⊗ dJ/dy; dJ/do = dJ/dy W_oᵀ; through the attention (`layerwise.ops.attention`:
    dJ/dq_h = dJ/ds_h k_h / sqrt(key_dim), dJ/dk_h = dJ/ds_hᵀ q_h / sqrt(key_dim), dJ/dv_h = a_hᵀ dJ/do_h);
    dJ/dW_q = sum x_q ⊗ dJ/dq, dJ/dx_q = dJ/dq · W_q (summed over heads and key_dim), likewise for k and v.

    The weights are laid out as Keras 3's, in its order: query, key, value and output kernels (d_q, H, key_dim),
    (d_k, H, key_dim), (d_v, H, value_dim), (H, value_dim, *output_shape), each followed by its bias
    (H, key_dim) ... (*output_shape,), so Keras's ``get_weights()`` loads with ``set_weights``.

    Args:
        num_heads: H, the number of heads.
        key_dim: the size of each query and key head.
        value_dim: the size of each value head (default: key_dim).
        dropout: the rate of dropout on the attention weights, in [0, 1).
        use_bias: whether the four projections add biases.
        output_shape: the output's feature shape (an int or a tuple); default: the query's features.
        attention_axes: the axes attention runs over; only Keras's default, all axes between the batch and
            the features (None, or those axes listed), is supported.
        kernel_initializer, bias_initializer: initializers of the four kernels and biases.
        kernel_regularizer, bias_regularizer: penalties of the four kernels and biases.
        kernel_constraint, bias_constraint: projections of the four kernels and biases after each update.
        seed: seed of the dropout's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Call arguments:
        query (N, T, d_q), value (N, S, d_v), key (N, S, d_k) or None (the value is the key);
        attention_mask: booleans broadcastable to (N, T, S), False where a query step must not attend a key;
        query_mask (N, T), value_mask (N, S), key_mask (N, S): masks of steps, combined with it as Keras does;
        return_attention_scores: also return the attention weights a (N, H, T, S) (before dropout);
        use_causal_mask: query step t attends only to key steps j <= t; training: dropout or not.

    Input shape:
        query (N, T, d_q), value (N, S, d_v), key (N, S, d_k); several step axes (N, T1, T2, d) are attended
        over together.

    Output shape:
        (N, T, *output_shape), or (N, T, d_q); with ``return_attention_scores``, also (N, H, T, S).

    Example:
        >>> import numpy as np
        >>> layer = MultiHeadAttention(num_heads=2, key_dim=3)
        >>> x = np.random.default_rng(0).normal(size=(4, 5, 6))
        >>> y, scores = layer(x, x, return_attention_scores=True, use_causal_mask=True)
        >>> y.shape, scores.shape, layer.weights[0].shape
        ((4, 5, 6), (4, 2, 5, 5), (6, 2, 3))

    References:
        Vaswani et al., "Attention Is All You Need", NeurIPS 2017. Keras ``keras.layers.MultiHeadAttention``.
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None,
                 attention_axes=None, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, **kwargs):
        self.num_heads = self.num_key_value_heads = check_integer(num_heads, "num_heads", "MultiHeadAttention")
        self.key_dim = check_integer(key_dim, "key_dim", "MultiHeadAttention")
        self.value_dim = check_integer(value_dim, "value_dim", "MultiHeadAttention", allow_none=True) or key_dim
        self.partial_output_shape = None if not output_shape else check_sample_shape(
            output_shape, "output_shape", "MultiHeadAttention")
        if self.partial_output_shape is not None and None in self.partial_output_shape:
            raise ValueError(f"MultiHeadAttention: output_shape must be known sizes, received {output_shape!r}")
        axes = (attention_axes,) if isinstance(attention_axes, int) else attention_axes
        if axes is not None and (not isinstance(axes, (list, tuple)) or not all(
                isinstance(a, int) and a > 0 for a in axes)):
            raise ValueError(f"MultiHeadAttention: attention_axes must be None or positive axes, received "
                             f"{attention_axes!r}")
        self.attention_axes = None if axes is None else sorted(set(axes))
        super().__init__(dropout=dropout, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, seed=seed, **kwargs)

    def check_shapes(self, shapes):
        super().check_shapes(shapes)
        inner = list(range(1, len(shapes[0]) - 1))
        if self.attention_axes is not None and self.attention_axes != inner:
            raise ValueError(f"Layer '{self.name}' (MultiHeadAttention) supports attention over all the axes "
                             f"between the batch and the features, {inner} for queries of rank {len(shapes[0])}, "
                             f"received attention_axes={self.attention_axes}")

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim,
                "output_shape": None if self.partial_output_shape is None else list(self.partial_output_shape),
                "attention_axes": self.attention_axes}
