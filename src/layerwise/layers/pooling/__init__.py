"""Pooling layers (lecture 004: subsampling)."""

from layerwise.layers.pooling.adaptive_average_pooling1d import AdaptiveAveragePooling1D
from layerwise.layers.pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D
from layerwise.layers.pooling.adaptive_average_pooling3d import AdaptiveAveragePooling3D
from layerwise.layers.pooling.adaptive_max_pooling1d import AdaptiveMaxPooling1D
from layerwise.layers.pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D
from layerwise.layers.pooling.adaptive_max_pooling3d import AdaptiveMaxPooling3D
from layerwise.layers.pooling.average_pooling1d import AveragePooling1D
from layerwise.layers.pooling.average_pooling2d import AveragePooling2D
from layerwise.layers.pooling.average_pooling3d import AveragePooling3D
from layerwise.layers.pooling.global_average_pooling1d import GlobalAveragePooling1D
from layerwise.layers.pooling.global_average_pooling2d import GlobalAveragePooling2D
from layerwise.layers.pooling.global_average_pooling3d import GlobalAveragePooling3D
from layerwise.layers.pooling.global_max_pooling1d import GlobalMaxPooling1D
from layerwise.layers.pooling.global_max_pooling2d import GlobalMaxPooling2D
from layerwise.layers.pooling.global_max_pooling3d import GlobalMaxPooling3D
from layerwise.layers.pooling.max_pooling1d import MaxPooling1D
from layerwise.layers.pooling.max_pooling2d import MaxPooling2D
from layerwise.layers.pooling.max_pooling3d import MaxPooling3D
from layerwise.layers.pooling.stochastic_pooling2d import StochasticPooling2D

__all__ = ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
           "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "GlobalMaxPooling3D",
           "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "StochasticPooling2D"]
