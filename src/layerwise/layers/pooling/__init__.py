"""Pooling layers."""

from layerwise.layers.pooling.stochastic_pooling2d import StochasticPooling2D
from layerwise.layers.pooling import _onnx  # noqa: F401  (registers the ONNX exporters)

__all__ = ["StochasticPooling2D"]
