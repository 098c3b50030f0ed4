"""Fresh copies of what each greedily trained layer gets its own of."""

from layerwise import optimizers
from layerwise.callbacks import History


def fresh_optimizer(optimizer):
    """A new optimizer of ``optimizer``'s configuration, so no layer inherits another's moments or steps."""
    return optimizers.get(optimizers.serialize(optimizers.get(optimizer)))


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
