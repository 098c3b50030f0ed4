"""LayerReport: the record of one layer's greedy pre-training."""

from layerwise.callbacks import History


class LayerReport(History):
    """The per-epoch record of one layer's pre-training: a `History` (``report.history["loss"]`` ...) that
    also names the layer and the method.

    Attributes:
        layer_name: the name of the layer of the model that was pre-trained.
        method: how ("autoencoder", "denoising", "sparse", "rbm" or "supervised").
    """

    def __init__(self, layer_name, method):
        super().__init__()
        self.layer_name, self.method = layer_name, method

    def __repr__(self):
        return f"<LayerReport layer_name={self.layer_name!r} method={self.method!r} epochs={len(self.epoch)}>"
