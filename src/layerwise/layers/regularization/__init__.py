"""Regularization layers: weights or units dropped at random in training."""

from layerwise.layers.regularization.drop_connect import DropConnect

__all__ = ["DropConnect"]
