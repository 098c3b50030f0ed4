"""LearningRateScheduler: set the learning rate at the start of every epoch from a function."""

import inspect

from layerwise.callbacks._monitoring import set_learning_rate
from layerwise.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """α ← schedule(epoch, α) (or schedule(epoch)) before each epoch, as Keras's LearningRateScheduler.

    Epochs count from 0. The rate in effect is added to the epoch's logs as "learning_rate". For
    per-step decay give the optimizer a schedule from `layerwise.optimizers.schedules` instead.

    Args:
        schedule: a function of (epoch, current learning rate) or of epoch alone, returning a float.
        verbose: 1 prints each new rate.

    Example:
        >>> scheduler = LearningRateScheduler(lambda epoch, lr: lr * 0.5 if epoch >= 2 else lr)
        >>> scheduler.schedule(3, 0.1)
        0.05

    References:
        Lecture 001 (step decay per epoch); lecture 003 ("reduce the learning rate by some factor every
        few epochs").
    """

    writes_weights = False

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(f"LearningRateScheduler: schedule must be callable, received {schedule!r}")
        parameters = inspect.signature(schedule).parameters.values()
        positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        self._takes_rate = len(positional) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in parameters)
        self.schedule, self.verbose = schedule, verbose

    def on_epoch_begin(self, epoch, logs=None):
        current = self.model.optimizer.learning_rate
        value = self.schedule(epoch, current) if self._takes_rate else self.schedule(epoch)
        if isinstance(value, bool) or not isinstance(value, (int, float)) and not hasattr(value, "__float__"):
            raise ValueError(f"LearningRateScheduler: the schedule must return a float, received {value!r}")
        set_learning_rate("LearningRateScheduler", self.model, value)
        if self.verbose:
            print(f"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(value)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.learning_rate
