"""TerminateOnNaN: stop training at the first batch whose loss is NaN or infinite."""

import math

from layerwise.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop training when the loss becomes NaN or infinite, as Keras's TerminateOnNaN.

    Without this callback `fit` raises `layerwise.errors.DivergenceError` on a non-finite loss. With it,
    `fit` neither raises nor applies the diverged step: the weights stay those of the last finite step,
    this callback stops training after the batch, and `fit` returns the History (whose last loss is
    NaN or inf).

    Example:
        >>> TerminateOnNaN().terminated
        False
    """

    def __init__(self):
        super().__init__()
        self.terminated = False

    def on_train_begin(self, logs=None):
        self.terminated = False

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(loss):
            print(f"Batch {batch}: invalid loss, terminating training")
            self.terminated = True
            self.model.stop_training = True
