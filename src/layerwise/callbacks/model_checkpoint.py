"""ModelCheckpoint: save the model (or its weights) at the end of epochs, every file written atomically."""

import math
import os
import warnings

from layerwise.callbacks.callback import Callback


class ModelCheckpoint(Callback):
    """Save the model after every epoch, or only when the monitored value improves (Keras's callback).

    Args:
        filepath: where to save; may hold ``{epoch}`` (1-based) and any log key, with formats, e.g.
            ``"ckpt/model-{epoch:02d}-{val_loss:.2f}.lw"``. Missing directories are created.
        monitor: the log entry compared for ``save_best_only`` (default "val_loss").
        verbose: 1 prints a line per save.
        save_best_only: save only when ``monitor`` improves on the best value so far.
        save_weights_only: write `save_weights` files (safetensors) instead of whole models.
        mode: "min", "max", or "auto" (max for accuracies and AUC, else min).
        initial_value_threshold: the value the first saved epoch must beat (save_best_only).

    Example:
        >>> checkpoint = ModelCheckpoint("best.lw", monitor="val_accuracy", save_best_only=True)
        >>> checkpoint.mode
        'max'
    """

    writes_weights = False

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", initial_value_threshold=None):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"ModelCheckpoint: mode must be 'auto', 'min' or 'max', received {mode!r}")
        if mode == "auto":
            mode = "max" if monitor.endswith(("acc", "accuracy", "auc")) else "min"
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only, self.save_weights_only, self.mode = save_best_only, save_weights_only, mode
        default = -math.inf if mode == "max" else math.inf
        self.best = default if initial_value_threshold is None else float(initial_value_threshold)

    def _improved(self, value) -> bool:
        return value > self.best if self.mode == "max" else value < self.best

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        try:
            path = self.filepath.format(epoch=epoch + 1, **logs)
        except KeyError as error:
            raise KeyError(f"ModelCheckpoint: filepath {self.filepath!r} refers to {error}, which is not in "
                           f"the epoch's logs {sorted(logs)}") from None
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None:
                warnings.warn(f"ModelCheckpoint: {self.monitor!r} is not in the logs {sorted(logs)}; "
                              "nothing was saved", stacklevel=2)
                return
            if not self._improved(value):
                return
            if self.verbose:
                print(f"Epoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} to {value:.5f}, "
                      f"saving to {path}")
            self.best = value
        elif self.verbose:
            print(f"Epoch {epoch + 1}: saving to {path}")
        directory = os.path.dirname(path)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)
