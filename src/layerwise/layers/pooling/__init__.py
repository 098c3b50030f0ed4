"""Pooling layers."""

from layerwise.layers.pooling.stochastic_pooling2d import StochasticPooling2D

__all__ = ["StochasticPooling2D"]
