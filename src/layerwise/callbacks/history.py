"""History: the per-epoch record that `fit` returns."""

from layerwise.callbacks.callback import Callback


class History(Callback):
    """Records the epoch-end logs: ``history.history["loss"]`` is the list of epoch losses.

    Attributes:
        epoch: the epoch indices recorded.
        history: metric name -> list of values, one per epoch.
        divergence: where training diverged (a `Divergence`: epoch, batch, the layer that went first), when
            a `TerminateOnNaN` stopped it; else None.
    """

    def __init__(self):
        super().__init__()
        self.epoch, self.history, self.divergence = [], {}, None

    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
