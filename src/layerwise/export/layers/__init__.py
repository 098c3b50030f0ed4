"""ONNX exporters of the layers, one module per family of `layerwise.layers`; importing this package
registers them all (`layerwise.export.to_onnx` does, on its first call)."""

from layerwise.export.layers import (activations, attention, convolutional, core, merging,  # noqa: F401
                                     normalization, pooling, preprocessing, recurrent, regularization, reshaping)
