"""WeightStats: the mean, spread and norm of each layer's kernel at every epoch's end."""

import numpy as np

from layerwise.diagnostics._diagnostic import Diagnostic
from layerwise.diagnostics._layers import trainable_kernels


class WeightStats(Diagnostic):
    """Per layer with trainable weights, at any depth of nested models, statistics of its kernel W (its
    first trainable weight) at the end of every epoch:

        weight_mean = mean(W),  weight_std = std(W),  weight_norm = ||W||_2.

    A norm that keeps growing is what weight decay and max-norm constraints hold back (lecture 002); a
    std far from the initializer's (Glorot: sqrt(2 / (fan_in + fan_out))) shows how far training moved
    the layer.

    Keys (one record per epoch, with "epoch"): ``weight_mean/<layer>``, ``weight_std/<layer>``,
    ``weight_norm/<layer>``.

    Args:
        path: a ``.csv``, ``.json`` or ``.jsonl`` file the records are written to as training runs.
        append: add to the records already in that file (a resumed run) instead of starting it afresh.

    Example:
        >>> import numpy as np, layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(2,)),
        ...                               Dense(1, kernel_initializer="ones", name="out")])
        >>> model.compile(optimizer=layerwise.optimizers.SGD(0.0), loss="mse")   # W stays [[1], [1]]
        >>> history = model.fit(np.ones((4, 2)), np.zeros((4, 1)), verbose=0, callbacks=[WeightStats()])
        >>> round(history.history["weight_norm/out"][0], 6), history.history["weight_std/out"]
        (1.414214, [0.0])

    References:
        Lecture 002 (weight decay and max-norm regularization); Glorot and Bengio, AISTATS 2010.
    """

    def epoch_records(self, epoch):
        record = {"epoch": epoch}
        for name, kernel in trainable_kernels(self.model, "WeightStats").items():
            record.update({f"weight_mean/{name}": float(kernel.value.mean()),
                           f"weight_std/{name}": float(kernel.value.std()),
                           f"weight_norm/{name}": float(np.linalg.norm(kernel.value))})
        return [record]
