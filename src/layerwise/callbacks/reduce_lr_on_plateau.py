"""ReduceLROnPlateau: multiply the learning rate by a factor when a quantity stops improving."""

import math
import warnings

from layerwise.callbacks._monitoring import improves, resolve_mode, set_learning_rate
from layerwise.callbacks.callback import Callback


class ReduceLROnPlateau(Callback):
    """α ← max(α · factor, min_lr) after ``patience`` epochs without improvement, as Keras's.

    An epoch improves when ``monitor`` beats the best so far by more than ``min_delta``. After a
    reduction, ``cooldown`` epochs pass before the wait counter runs again. The rate in effect is added
    to each epoch's logs as "learning_rate".

    Args:
        monitor: the log key to watch (default "val_loss").
        factor: the multiplier, in (0, 1).
        patience: epochs without improvement before a reduction.
        verbose: 1 prints each reduction.
        mode: "min", "max" or "auto".
        min_delta: the smallest change counted as an improvement.
        cooldown: epochs to wait after a reduction.
        min_lr: the lower bound on α.

    Example:
        >>> ReduceLROnPlateau(monitor="val_accuracy").mode
        'max'

    References:
        Lecture 003 ("reduce the learning rate by some factor every few epochs").
    """

    writes_weights = False

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0):
        super().__init__()
        if not 0 < factor < 1:
            raise ValueError(f"ReduceLROnPlateau: factor must lie in (0, 1), received {factor}")
        self.monitor, self.factor, self.patience, self.verbose = monitor, float(factor), patience, verbose
        self.mode = resolve_mode("ReduceLROnPlateau", mode, monitor)
        self.min_delta, self.cooldown, self.min_lr = abs(min_delta), cooldown, float(min_lr)
        self.on_train_begin()

    def on_train_begin(self, logs=None):
        self.best = -math.inf if self.mode == "max" else math.inf
        self.wait, self.cooldown_counter = 0, 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        learning_rate = self.model.optimizer.learning_rate
        logs["learning_rate"] = learning_rate
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"ReduceLROnPlateau: monitor={self.monitor!r} is not in the logs (available: "
                          f"{sorted(logs or {})}); skipping this epoch", stacklevel=2)
            return
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if improves(current, self.best, self.mode, self.min_delta):
            self.best, self.wait = current, 0
        elif self.cooldown_counter == 0:
            self.wait += 1
            if self.wait >= self.patience and learning_rate > self.min_lr:
                new_rate = max(learning_rate * self.factor, self.min_lr)
                set_learning_rate("ReduceLROnPlateau", self.model, new_rate)
                if self.verbose:
                    print(f"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_rate}.")
                self.cooldown_counter, self.wait = self.cooldown, 0
