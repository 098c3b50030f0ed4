"""LayerReport: the record of one layer's greedy pre-training."""

from layerwise.callbacks import History


class LayerReport(History):
    """The per-epoch record of one layer's pre-training: a `History` (``report.history["loss"]`` ...) that
    also names the layer and the method.

    Attributes:
        layer: the name of the layer of the model that was pre-trained.
        method: how ("autoencoder", "denoising", "sparse", "rbm" or "supervised").
    """

    def __init__(self, layer, method):
        super().__init__()
        self.layer, self.method = layer, method

    def __repr__(self):
        return f"<LayerReport layer={self.layer!r} method={self.method!r} epochs={len(self.epoch)}>"
