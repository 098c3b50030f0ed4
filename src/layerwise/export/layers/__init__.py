"""ONNX exporters of the layers, one module per family of `layerwise.layers`; importing this package
registers them all (`layerwise.export.to_onnx` does, on its first call)."""

from layerwise.export.layers import (activations, convolutional, core, merging, normalization, pooling,  # noqa: F401
                                     preprocessing, recurrent, regularization, reshaping)
