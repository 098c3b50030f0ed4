"""Merging layers: combine a list of tensors into one (functional API)."""

from layerwise.layers.merging._merge import Merge
from layerwise.layers.merging.add import Add
from layerwise.layers.merging.average import Average
from layerwise.layers.merging.concatenate import Concatenate
from layerwise.layers.merging.maximum import Maximum
from layerwise.layers.merging.multiply import Multiply
from layerwise.layers.merging.subtract import Subtract

__all__ = ["Add", "Average", "Concatenate", "Maximum", "Merge", "Multiply", "Subtract"]
