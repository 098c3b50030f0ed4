"""The shared body of MultiHeadAttention and GroupQueryAttention: einsum projections of query, key and value
into heads, scaled dot-product attention per head, and the output projection; with their backward pass."""

import math

import numpy as np

from layerwise import initializers
from layerwise.layers.attention._dense_attention import check_dropout
from layerwise.layers.base import format_shape
from layerwise.layers.merging._merge import Merge
from layerwise.layers.regularization._stochastic import SeededGenerator
from layerwise.ops.attention import (causal_mask, dropout_mask, scaled_dot_product_attention,
                                     scaled_dot_product_attention_backward)
from layerwise.ops.einsum_dense import einsum_dense_backward, einsum_dense_forward, einsum_dense_plan

_OUTPUT_LETTERS = "opqrstuvwxyz"


class BaseMultiHeadAttention(SeededGenerator, Merge):
    """Attention of ``num_heads`` query heads over ``num_key_value_heads`` key/value heads (each shared by
    num_heads / num_key_value_heads query heads).

    Forward, for query x_q (N, T, d_q), value x_v (N, S, d_v) and key x_k (N, S, d_k) (x_k = x_v if not given):
    q = einsum("...d,dnh->...nh", x_q, W_q) + b_q (N, T, heads, key_dim), likewise k from x_k and v from x_v
    with their own heads; each key/value head is repeated for its group of query heads; per head,
    o = softmax(q kᵀ / sqrt(key_dim) masked) v (dropout on the weights in training);
    y = einsum("...nh,nho->...o", o, W_o) + b_o.
    Backward: through the output projection (`layerwise.ops.einsum_dense`), the attention
    (`layerwise.ops.attention`), the repeat (a sum over each group), and the three input projections; the
    value receives the key's gradient too when it served as key.

    Query and value may have several axes between the batch and the features (N, T1, T2, d): attention then
    runs over all of them at once, Keras's default ``attention_axes``.
    Subclasses set ``num_heads``, ``num_key_value_heads``, ``key_dim``, ``value_dim`` and
    ``partial_output_shape`` (None: the query's features) before calling this ``__init__``.
    """

    min_inputs, max_inputs = 2, 3
    symbolic_call_arguments = ("return_attention_scores", "use_causal_mask")

    def __init__(self, dropout=0.0, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 seed=None, **kwargs):
        super().__init__(**kwargs)
        self.dropout = check_dropout(type(self).__name__, dropout)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.set_weight_options(kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                                kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)
        self.init_generator(seed)

    @property
    def stochastic(self):
        return self.dropout > 0

    def __call__(self, query, value=None, key=None, training=None, input_gradient=True, **call_arguments):
        """``layer(query, value, key=None, attention_mask=None, return_attention_scores=False,
        use_causal_mask=False, training=None)`` as Keras; a list [query, value(, key)] as first argument is
        the same call (the form models and the gradient checker use for a layer of several inputs)."""
        if value is None:
            if not isinstance(query, (list, tuple)):
                raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) is called with query and value "
                                 "(and optionally key), received only a query")
            inputs = query
        else:
            inputs = [query, value] if key is None else [query, value, key]
        return super().__call__(inputs, training=training, input_gradient=input_gradient, **call_arguments)

    def check_shapes(self, shapes):
        name = f"Layer '{self.name}' ({type(self).__name__})"
        query, value = shapes[:2]
        key = shapes[2] if len(shapes) == 3 else value
        if len(query) < 3 or len(value) < 3:
            raise ValueError(f"{name} needs query and value of shapes (batch, steps, features), received query "
                             f"{format_shape(query)} and value {format_shape(value)}")
        if tuple(value[1:-1]) != tuple(key[1:-1]):
            raise ValueError(f"{name}: value and key need the same shape but for the features, received value "
                             f"{format_shape(value)} and key {format_shape(key)}")

    def build(self, input_shapes):
        query, value = input_shapes[:2]
        key = input_shapes[2] if len(input_shapes) == 3 else value
        heads, groups = self.num_heads, self.num_key_value_heads
        output = self.partial_output_shape or (query[-1],)
        letters = _OUTPUT_LETTERS[:len(output)]
        owner = f"Layer '{self.name}' ({type(self).__name__})"
        self.plans = {
            "query": einsum_dense_plan("...d,dnh->...nh", "nh", query, (heads, self.key_dim), owner),
            "key": einsum_dense_plan("...d,dnh->...nh", "nh", key, (groups, self.key_dim), owner),
            "value": einsum_dense_plan("...d,dnh->...nh", "nh", value, (groups, self.value_dim), owner),
            "output": einsum_dense_plan(f"...nh,nh{letters}->...{letters}", letters,
                                        (*query[:-1], heads, self.value_dim), output, owner)}
        self.projections = {}
        for name, plan in self.plans.items():
            kernel = self.add_weight(f"{name}_kernel", plan.kernel_shape, self.kernel_initializer,
                                     self.kernel_regularizer, self.kernel_constraint)
            bias = self.add_weight(f"{name}_bias", plan.bias_shape, self.bias_initializer, self.bias_regularizer,
                                   self.bias_constraint) if self.use_bias else None
            self.projections[name] = (kernel, bias)

    def compute_output_shape(self, input_shapes, return_attention_scores=False, use_causal_mask=False):
        query, value = input_shapes[:2]
        output = (*query[:-1], *(self.partial_output_shape or query[-1:]))
        return [output, (query[0], self.num_heads, *query[1:-1], *value[1:-1])] if return_attention_scores else output

    def _project(self, name, x):
        kernel, bias = self.projections[name]
        return einsum_dense_forward(self.plans[name], x, kernel.value, None if bias is None else bias.value)

    def _weights_and_grads(self, name):
        """(W, dJ/dW, dJ/db or None) of the projection ``name``."""
        kernel, bias = self.projections[name]
        return kernel.value, kernel.grad, None if bias is None else bias.grad

    def _project_backward(self, name, dz, x):
        return einsum_dense_backward(self.plans[name], dz, x, *self._weights_and_grads(name), self.needs_input_gradient)

    def _heads(self, z):
        """(N, *steps, heads, dim) -> (N, heads, steps, dim), the steps flattened into one axis."""
        return z.reshape(len(z), -1, *z.shape[-2:]).transpose(0, 2, 1, 3)

    def _steps(self, d, x):
        """(N, heads, steps, dim) -> (N, *the steps of x, heads, dim): `_heads` undone."""
        return d.transpose(0, 2, 1, 3).reshape(*x.shape[:-1], *d.shape[1:2], d.shape[3])

    def _attention_mask(self, steps, attention_mask, query_mask, value_mask, key_mask, use_causal_mask):
        """The (N or 1, T, S) boolean mask of Keras's rules (all given masks combined with `and`), or None."""
        batch, queries, keys = steps[0][0], math.prod(steps[0][1:]), math.prod(steps[1][1:])
        masks = []
        for given, shape, argument, to_mask in [
                (attention_mask, (batch, *steps[0][1:], *steps[1][1:]), "attention_mask", lambda m: m),
                (query_mask, steps[0], "query_mask", lambda m: m[:, :, None]),
                (value_mask, steps[1], "value_mask", lambda m: m[:, None, :]),
                (key_mask, steps[1], "key_mask", lambda m: m[:, None, :])]:
            if given is None:
                continue
            given = np.asarray(given).astype(bool, copy=False)
            try:
                given = np.broadcast_to(given, shape)
            except ValueError:
                raise ValueError(f"Layer '{self.name}' ({type(self).__name__}): {argument} of shape {given.shape} "
                                 f"does not broadcast to {shape}") from None
            masks.append(to_mask(given.reshape(batch, -1) if argument != "attention_mask" else
                                 given.reshape(batch, queries, keys)))
        if use_causal_mask:
            masks.append(causal_mask(queries, keys)[None])
        combined = masks[0] if masks else None
        for mask in masks[1:]:
            combined = combined & mask
        return combined

    def forward(self, inputs, training=False, attention_mask=None, return_attention_scores=False,
                use_causal_mask=False, query_mask=None, value_mask=None, key_mask=None):
        self.query, self.value = inputs[:2]
        self.key = inputs[2] if len(inputs) == 3 else self.value
        steps = [self.query.shape[:-1], self.value.shape[:-1]]
        mask = self._attention_mask(steps, attention_mask, query_mask, value_mask, key_mask, use_causal_mask)
        self.mask = None if mask is None else mask[:, None]
        repeats = self.num_heads // self.num_key_value_heads
        self.q = self._heads(self._project("query", self.query))
        self.k = np.repeat(self._heads(self._project("key", self.key)), repeats, axis=1)
        self.v = np.repeat(self._heads(self._project("value", self.value)), repeats, axis=1)
        shape = self.q.shape[:3] + self.k.shape[2:3]
        self.dropout_mask = dropout_mask(self.generator(), shape, self.dropout, self.q.dtype) \
            if training and self.dropout > 0 else None
        heads, self.attention_weights = scaled_dot_product_attention(
            self.q, self.k, self.v, 1.0 / math.sqrt(self.key_dim), self.mask, self.dropout_mask)
        self.combined = self._steps(heads, self.query)
        output = self._project("output", self.combined)
        self.scores_shape = (len(self.query), self.num_heads, *steps[0][1:], *steps[1][1:])
        self.returns_scores = bool(return_attention_scores)
        return [output, self.attention_weights.reshape(self.scores_shape)] if self.returns_scores else output

    def backward(self, dy):
        d_weights = None
        if self.returns_scores:
            dy, d_weights = dy
            d_weights = None if d_weights is None else d_weights.reshape(self.attention_weights.shape)
            if dy is None:
                dy = np.zeros(self.compute_output_shape([self.query.shape, self.value.shape]), self.query.dtype)
        d_combined = einsum_dense_backward(self.plans["output"], dy, self.combined, *self._weights_and_grads("output"))
        d_heads = self._heads(d_combined)
        d_q, d_k, d_v = scaled_dot_product_attention_backward(
            d_heads, self.q, self.k, self.v, self.attention_weights, 1.0 / math.sqrt(self.key_dim), self.mask,
            self.dropout_mask, d_weights)
        groups = self.num_key_value_heads
        d_k, d_v = (d.reshape(len(d), groups, -1, *d.shape[2:]).sum(axis=2) for d in (d_k, d_v))
        d_query, d_key, d_value = (self._project_backward(name, self._steps(d, x), x) for name, d, x in
                                   (("query", d_q, self.query), ("key", d_k, self.key), ("value", d_v, self.value)))
        if not self.needs_input_gradient:
            return None
        return [d_query, d_value + d_key] if len(self.input_spec) == 2 else [d_query, d_value, d_key]

    def get_config(self):
        return {**super().get_config(), "dropout": self.dropout, "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **self.weight_options_config("kernel_regularizer", "bias_regularizer", "kernel_constraint",
                                             "bias_constraint"),
                "seed": self.seed}
