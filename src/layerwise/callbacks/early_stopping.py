"""EarlyStopping: stop when a monitored quantity has stopped improving (lecture 002)."""

import math
import warnings

from layerwise.callbacks._monitoring import improves, resolve_mode
from layerwise.callbacks.callback import Callback


class EarlyStopping(Callback):
    """Stop training once ``monitor`` has not improved for ``patience`` epochs, as Keras's EarlyStopping.

    An epoch improves when its value beats the best so far by more than ``min_delta``. The wait counter
    restarts only when the value also beats ``baseline`` (if given); training stops once the counter
    reaches ``patience`` (from the second epoch on). With ``restore_best_weights`` the weights of the best
    epoch (a copy taken at its end) are loaded when training ends, whether or not it stopped early, as
    Keras 3 does; if no epoch improved, the first monitored epoch's weights are the ones restored.

    Args:
        monitor: the log key to watch (default "val_loss").
        min_delta: the smallest change counted as an improvement (its sign is ignored).
        patience: epochs without improvement before stopping.
        verbose: 1 prints when training stops and when weights are restored.
        mode: "min", "max" or "auto" (maximize names containing acc/auc/precision/recall).
        baseline: a value the monitored quantity must beat for the wait counter to restart.
        restore_best_weights: load the best epoch's weights at the end of training.
        start_from_epoch: epochs (from 0) ignored at the start, a warm-up with no monitoring.

    Attributes:
        best: the best monitored value so far.
        best_epoch: the epoch (from 0) of that value.
        stopped_epoch: the epoch training stopped at (0 if training was not stopped).
        wait: the epochs since the last improvement.

    Example:
        >>> stopper = EarlyStopping(monitor="loss", patience=2)
        >>> stopper.mode
        'min'

    References:
        Prechelt, "Early Stopping - But When?", 1998. Lecture 002 (early stopping).
    """

    writes_weights = False  # restores the best weights in on_train_end, after the last step

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto", baseline=None,
                 restore_best_weights=False, start_from_epoch=0):
        super().__init__()
        if patience < 0 or start_from_epoch < 0:
            raise ValueError(f"EarlyStopping: patience and start_from_epoch must be >= 0, received {patience} "
                             f"and {start_from_epoch}")
        self.monitor, self.min_delta, self.patience = monitor, abs(min_delta), patience
        self.verbose, self.baseline = verbose, baseline
        self.mode = resolve_mode("EarlyStopping", mode, monitor)
        self.restore_best_weights, self.start_from_epoch = restore_best_weights, start_from_epoch
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch, self.best_epoch = 0, 0, 0
        self.best, self.best_weights = None, None

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"EarlyStopping: monitor={self.monitor!r} is not in the logs (available: "
                          f"{sorted(logs or {})}); skipping this epoch", stacklevel=2)
            return
        if epoch < self.start_from_epoch or math.isnan(current):
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if improves(current, self.best, self.mode, self.min_delta):
            self.best, self.best_epoch = current, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or improves(current, self.baseline, self.mode, self.min_delta):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
