"""History: the per-epoch record that `fit` returns."""

from layerwise.callbacks.callback import Callback


class History(Callback):
    """Records the epoch-end logs: ``history.history["loss"]`` is the list of epoch losses.

    Attributes:
        epoch: the epoch indices recorded.
        history: metric name -> list of values, one per epoch.
        divergence: where training diverged (a `Divergence`: epoch, batch, the layer that went first), when
            a `TerminateOnNaN` stopped it; else None.

    Example:
        One unit from zero weights fitting y = 1 at x = 1 with SGD(0.1), 2 batches an epoch: the first
        batch's loss is (0 - 1)^2 = 1, after the step w = b = 0.2 the second's is (0.4 - 1)^2 = 0.36, and
        the epoch's loss is their mean, 0.68.

        >>> import numpy as np
        >>> import layerwise
        >>> model = layerwise.Sequential([layerwise.layers.Dense(1, input_dim=1, kernel_initializer="zeros")])
        >>> model.compile(optimizer=layerwise.optimizers.SGD(0.1), loss="mse")
        >>> history = model.fit(np.ones((4, 1)), np.ones((4, 1)), batch_size=2, epochs=3, verbose=0)
        >>> history.epoch, [round(loss, 4) for loss in history.history["loss"]]
        ([0, 1, 2], [0.68, 0.0881, 0.0114])
    """

    writes_weights = False

    def __init__(self):
        super().__init__()
        self.epoch, self.history, self.divergence = [], {}, None

    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
