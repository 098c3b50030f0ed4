"""ProgbarLogger: the live progress bar of `fit` and `evaluate`, drawn with tqdm."""

import sys

from tqdm.auto import tqdm

from layerwise.callbacks.callback import Callback
from layerwise.utils import io_utils


def format_logs(logs) -> str:
    """``key: value`` pairs for a progress bar or a line; per-layer keys (``grad_norm/dense`` ...) are left to
    the History and the diagnostics' files, where a deep model's dozens of them stay readable."""
    return " - ".join(f"{key}: {value:.4f}" for key, value in logs.items() if "/" not in key)


class ProgbarLogger(Callback):
    """A tqdm bar per epoch with the running loss and metrics (verbose=1), or one line per epoch (2, and 1 when
    interactive logging is off: `layerwise.utils.disable_interactive_logging`).

    Args:
        verbose: 1 for a live bar, 2 for one line per epoch.
        file: where to draw (default sys.stderr for the bar, sys.stdout for the lines).

    Example:
        >>> logger = ProgbarLogger(verbose=2)
        >>> logger.set_params({"epochs": 2, "steps": 3, "verbose": 2})
        >>> logger.on_epoch_begin(0)
        >>> logger.on_epoch_end(0, {"loss": 0.25, "accuracy": 0.5, "grad_norm/dense": 1.0})
        Epoch 1/2 - loss: 0.2500 - accuracy: 0.5000
    """

    writes_weights = False

    def __init__(self, verbose=1, file=None):
        super().__init__()
        self.verbose, self.file = verbose, file
        self.bar = None

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        if self.verbose == 1 and io_utils.is_interactive_logging_enabled():
            self.bar = tqdm(total=self.params.get("steps"), desc=f"Epoch {epoch + 1}/{self.params.get('epochs')}",
                            unit="batch", file=self.file or sys.stderr, dynamic_ncols=True, leave=True)

    def on_train_batch_end(self, batch, logs=None):
        if self.bar is not None:
            self.bar.set_postfix_str(format_logs(logs or {}), refresh=False)
            self.bar.update(1)

    def on_epoch_end(self, epoch, logs=None):
        if self.bar is not None:
            self.bar.set_postfix_str(format_logs(logs or {}), refresh=False)
            self.bar.close()
            self.bar = None
        elif self.verbose:
            print(f"Epoch {epoch + 1}/{self.params.get('epochs')} - {format_logs(logs or {})}",
                  file=self.file or sys.stdout, flush=True)

    def on_train_end(self, logs=None):
        if self.bar is not None:
            self.bar.close()
            self.bar = None


ProgressBar = ProgbarLogger
