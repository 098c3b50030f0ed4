"""Attention layers: a query sequence attends over a value sequence (Luong, Bahdanau, multi-head, grouped)."""

from layerwise.layers.attention.additive_attention import AdditiveAttention
from layerwise.layers.attention.attention import Attention
from layerwise.layers.attention.group_query_attention import GroupQueryAttention
from layerwise.layers.attention.multi_head_attention import MultiHeadAttention

__all__ = ["AdditiveAttention", "Attention", "GroupQueryAttention", "MultiHeadAttention"]
