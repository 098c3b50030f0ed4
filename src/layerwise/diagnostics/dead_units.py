"""DeadUnits: the ReLU units that no probe example activates (dead), apart from how sparse the outputs are."""

import numpy as np

from layerwise.diagnostics._diagnostic import ProbeDiagnostic
from layerwise.diagnostics._layers import RELU_FAMILY, activation_name


class DeadUnits(ProbeDiagnostic):
    """Per ReLU-family layer, the fraction of dead units and the sparsity of its outputs on a probe set.

    The layers read are those whose output comes out of a ReLU or leaky ReLU, at any depth of nested
    models: Dense and convolutional layers with ``activation="relu"``, `Activation("relu")`, `ReLU` and
    `LeakyReLU` layers. A unit is an output feature (the last axis: a Dense unit, a convolution's
    channel at every position) and is *inactive* on an output y <= 0 (y = 0 for a ReLU; the leaky
    side, where only the leak's gradient flows, for a leaky one). With Y the layer's outputs on the N
    probe examples, as rows of U units (N x positions rows, over every call of a shared layer):

        dead_fraction = (1/U) sum_u [Y_nu <= 0 for every row n]   (a unit no example switches on:
                        it gets no gradient and stays dead, lecture 002),
        sparsity      = mean_{n,u} [Y_nu <= 0]                     (the fraction of zero activations).

    A sparse layer is healthy (dropout and L1 raise sparsity); dead units are lost capacity, the
    symptom of a learning rate too large for ReLUs.

    Keys (one record per measured epoch, with "epoch"): ``dead_fraction/<layer>``, ``sparsity/<layer>``.

    Args:
        probe_x: a fixed set of inputs (a list of arrays for several inputs), run as one batch in
            inference mode; a few hundred examples of the training data.
        every_epoch: measure at the end of every this many epochs.
        path: a ``.csv``, ``.json`` or ``.jsonl`` file the records are written to as training runs.
        append: add to the records already in that file (a resumed run) instead of starting it afresh.

    Example:
        >>> import numpy as np, layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(4, activation="relu", name="hidden"),
        ...                               Dense(1, name="out")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> model.get_layer("hidden").bias.assign([0.0, 0.0, 0.0, -100.0])   # the last unit never fires
        >>> dead = DeadUnits(np.random.default_rng(0).normal(size=(64, 2)))
        >>> history = model.fit(np.ones((8, 2)), np.zeros((8, 1)), verbose=0, callbacks=[dead])
        >>> history.history["dead_fraction/hidden"]
        [0.25]

    References:
        Lecture 002 (dead ReLUs: "as much as 40% of your network can be dead"); Glorot, Bordes and
        Bengio, "Deep Sparse Rectifier Neural Networks", AISTATS 2011 (sparsity).
    """

    def select(self, layer):
        return activation_name(layer) in RELU_FAMILY

    def measure(self, name, layer, outputs):
        # A layer is built for one input shape, so every call of a shared layer has the same units.
        inactive = np.concatenate([(output <= 0).reshape(-1, output.shape[-1]) for output in outputs])
        return {f"dead_fraction/{name}": float(inactive.all(axis=0).mean()),
                f"sparsity/{name}": float(inactive.mean())}
