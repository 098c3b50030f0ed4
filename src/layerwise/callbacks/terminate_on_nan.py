"""TerminateOnNaN: stop training at the first batch that diverges, and say where and which layer went first."""

import math

from layerwise.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop training when it diverges, as Keras's TerminateOnNaN (which looks at the loss alone).

    `fit` checks every step: the loss, every gradient, and after the update every parameter and optimizer
    state array must be finite; with ``max_loss_growth`` the loss must also stay below that many times the
    run's first positive batch loss. Without this callback a failed check raises
    `layerwise.errors.DivergenceError`. With it, `fit` neither raises nor applies a step whose loss or
    gradient went wrong (the weights stay those of the last good step; a parameter or state array that
    the update itself made non-finite is reported after that update), this callback stops training after
    the batch, and `fit` returns the History. The report (epoch, batch, the layer that went first, the
    tensor) is in ``divergence`` here and in ``History.divergence``.

    Args:
        max_loss_growth: stop when a batch loss exceeds this many times the first positive batch loss of
            the run (e.g. 1e4); None (the default, Keras's behaviour) sets no limit.

    Example:
        >>> TerminateOnNaN(max_loss_growth=1e4).terminated
        False
    """

    writes_weights = False

    def __init__(self, max_loss_growth=None):
        super().__init__()
        if max_loss_growth is not None and (isinstance(max_loss_growth, bool) or not isinstance(
                max_loss_growth, (int, float)) or not max_loss_growth > 1):
            raise ValueError(f"TerminateOnNaN: max_loss_growth must be a number > 1 or None, received "
                             f"{max_loss_growth!r}")
        self.max_loss_growth = max_loss_growth
        self.terminated = False
        #: The `Divergence` report of the batch that stopped training, or None.
        self.divergence = None

    def on_train_begin(self, logs=None):
        self.terminated, self.divergence = False, None

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if self.divergence is not None or (loss is not None and not math.isfinite(loss)):
            print(f"Batch {batch}: " + (self.divergence.message if self.divergence else "invalid loss")
                  + ", terminating training")
            self.terminated = True
            self.model.stop_training = True
