"""ActivationStats: the distribution of each layer's outputs on a probe set, saturation included."""

import numpy as np

from layerwise.diagnostics._diagnostic import ProbeDiagnostic
from layerwise.diagnostics._layers import activation_name
from layerwise.utils._arguments import check_integer

#: |y - centre| > bound: outputs within 0.01 of a sigmoid's or tanh's asymptotes, where f'(z) is under 0.01.
_SATURATION = {"sigmoid": (0.5, 0.49), "tanh": (0.0, 0.99)}


class ActivationStats(ProbeDiagnostic):
    """Per layer, the mean, standard deviation, saturation and histogram of its outputs on a probe set.

    The layers read are those with weights or an activation, at any depth of nested models (Dense,
    convolutional, normalization and activation layers); layers that only move or select values
    (Flatten, Reshape, Dropout, pooling) are left out. With y every output value of the layer on the
    probe (every call of a shared layer):

        activation_mean = mean(y),  activation_std = std(y),
        saturation = mean [|y - 0.5| > 0.49]  for a sigmoid (y < 0.01 or y > 0.99),
                     mean [|y| > 0.99]        for a tanh,

    the fraction of outputs where the derivative has nearly vanished and the gradient with it (lecture
    000). Drifting means and spreads between epochs are the internal covariate shift that batch
    normalization removes.

    Keys (one record per measured epoch, with "epoch"): ``activation_mean/<layer>``,
    ``activation_std/<layer>``, and ``saturation/<layer>`` for sigmoid and tanh layers. The histograms
    stay on the callback, out of the logs.

    Args:
        probe_x: a fixed set of inputs (a list of arrays for several inputs), run as one batch in
            inference mode.
        bins: the number of histogram bins, spread over each layer's range of outputs.
        every_epoch: measure at the end of every this many epochs.
        path: a ``.csv``, ``.json`` or ``.jsonl`` file the records are written to as training runs.
        append: add to the records already in that file (a resumed run) instead of starting it afresh.

    Attributes:
        histograms: {layer name: [(counts, edges) of each measured epoch]}, as `numpy.histogram`
            returns them (``len(edges) == bins + 1``).

    Example:
        >>> import numpy as np, layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(3, activation="sigmoid", name="hidden"),
        ...                               Dense(1, name="out")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> stats = ActivationStats(np.zeros((5, 2)), bins=4)
        >>> history = model.fit(np.ones((8, 2)), np.zeros((8, 1)), verbose=0, callbacks=[stats])
        >>> history.history["saturation/hidden"]   # sigmoid(0) = 0.5
        [0.0]
        >>> counts, edges = stats.histograms["hidden"][0]
        >>> int(counts.sum()), len(edges)
        (15, 5)

    References:
        Lecture 000 (saturating sigmoids and vanishing gradients); Glorot and Bengio, "Understanding the
        difficulty of training deep feedforward neural networks", AISTATS 2010 (activation histograms per
        layer); Ioffe and Szegedy, "Batch Normalization", ICML 2015.
    """

    def __init__(self, probe_x, bins=20, every_epoch=1, path=None, append=False):
        super().__init__(probe_x, every_epoch, path, append)
        self.bins = check_integer(bins, "bins", "ActivationStats")
        self.histograms = {}

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        self.histograms = {}

    def select(self, layer):
        return bool(layer.weights) or activation_name(layer) is not None

    def measure(self, name, layer, outputs):
        y = np.concatenate([output.ravel() for output in outputs])
        self.histograms.setdefault(name, []).append(np.histogram(y, bins=self.bins))
        statistics = {f"activation_mean/{name}": float(y.mean()), f"activation_std/{name}": float(y.std())}
        saturation = _SATURATION.get(activation_name(layer))
        if saturation is not None:
            centre, bound = saturation
            statistics[f"saturation/{name}"] = float(np.mean(np.abs(y - centre) > bound))
        return statistics
