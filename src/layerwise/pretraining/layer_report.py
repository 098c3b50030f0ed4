"""LayerReport: the record of one layer's greedy pre-training."""

from layerwise.callbacks import History


class LayerReport(History):
    """The per-epoch record of one layer's pre-training: a `History` (``report.history["loss"]`` ...) that
    also names the layer and the method.

    Attributes:
        layer_name: the name of the layer of the model that was pre-trained.
        method: how ("autoencoder", "denoising", "sparse", "rbm" or "supervised").

    Example:
        `layerwise.pretraining.pretrain` returns one per pre-trained layer (here the one hidden layer; the
        output layer is left for fine-tuning):

        >>> import numpy as np
        >>> import layerwise
        >>> from layerwise.layers import Dense
        >>> from layerwise.pretraining import pretrain
        >>> model = layerwise.Sequential([layerwise.Input(shape=(6,)), Dense(3, activation="sigmoid", name="hidden"),
        ...                               Dense(2, activation="softmax")])
        >>> reports = pretrain(model, np.random.default_rng(0).random((20, 6)), method="rbm", epochs_per_layer=2,
        ...                    verbose=0, seed=0)
        >>> reports
        [<LayerReport layer_name='hidden' method='rbm' epochs=2>]
        >>> sorted(reports[0].history), len(reports[0].history["loss"])
        (['free_energy', 'loss', 'pseudo_log_likelihood'], 2)
    """

    def __init__(self, layer_name, method):
        super().__init__()
        self.layer_name, self.method = layer_name, method

    def __repr__(self):
        return f"<LayerReport layer_name={self.layer_name!r} method={self.method!r} epochs={len(self.epoch)}>"
