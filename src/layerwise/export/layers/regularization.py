"""ONNX exporters of the regularization layers: their deterministic inference passes.

Dropout (inverted), SpatialDropout1D/2D, AlphaDropout, GaussianNoise, GaussianDropout and MaskingNoise are the
identity at inference; classic Dropout scales by the keep probability q; DropConnect's weight-scaling inference is a
Dense layer with the kernel p W. DropConnect's Gaussian moment matching averages random draws at inference,
which an ONNX graph could only imitate with a different random stream, so its export is refused.
"""

from layerwise.errors import ExportError
from layerwise.export.layers.core import affine
from layerwise.export.registry import onnx_exporter
from layerwise.layers import (AlphaDropout, DropConnect, Dropout, GaussianDropout, GaussianNoise, MaskingNoise,
                              SpatialDropout2D)


@onnx_exporter(Dropout)
def _dropout(layer, graph, x):
    if layer.scaling == "classic":
        return graph.node("Mul", [x, graph.constant(1.0 - layer.rate, f"{layer.name}/keep")], hint=layer.name)
    return graph.node("Identity", x, hint=layer.name)


@onnx_exporter(AlphaDropout)
@onnx_exporter(GaussianNoise)
@onnx_exporter(MaskingNoise)
@onnx_exporter(GaussianDropout)
@onnx_exporter(SpatialDropout2D)
def _identity_at_inference(layer, graph, x):
    return graph.node("Identity", x, hint=layer.name)


@onnx_exporter(DropConnect)
def _drop_connect(layer, graph, x):
    if layer.inference == "gaussian":
        raise ExportError(
            f"to_onnx: layer '{layer.name}' (DropConnect) uses inference='gaussian', whose output averages "
            f"{layer.inference_samples} random draws per unit (moment matching), so no deterministic ONNX "
            "graph reproduces predict; export a copy with inference='weight_scaling' (same weights)")
    return affine(layer, graph, x, layer.kernel.value * layer.keep)
