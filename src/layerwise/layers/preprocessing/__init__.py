"""Preprocessing layers."""

from layerwise.layers.preprocessing.rescaling import Rescaling

__all__ = ["Rescaling"]
