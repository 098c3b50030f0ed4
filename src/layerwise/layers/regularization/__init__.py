"""Regularization layers."""

from layerwise.layers.regularization.spatial_dropout2d import SpatialDropout2D

__all__ = ["SpatialDropout2D"]
