"""CSVLogger: one CSV row of logs per epoch."""

import csv
import os

from layerwise.callbacks.callback import Callback


class CSVLogger(Callback):
    """Write ``epoch`` and every log value of each epoch to a CSV file, as Keras's CSVLogger.

    The columns are "epoch" then the log keys of the first epoch, sorted. The file is opened when
    training begins and closed when it ends.

    Args:
        filename: the CSV file.
        separator: the field delimiter.
        append: add to an existing file (no second header) instead of overwriting it.

    Example:
        >>> CSVLogger("training.log").separator
        ','
    """

    writes_weights = False

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename, self.separator, self.append = os.fspath(filename), separator, append
        self.file, self.writer = None, None

    def on_train_begin(self, logs=None):
        write_header = not (self.append and os.path.exists(self.filename) and os.path.getsize(self.filename))
        self.file = open(self.filename, "a" if self.append else "w", newline="")
        self.writer, self._write_header = None, write_header

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.writer is None:
            self.writer = csv.DictWriter(self.file, fieldnames=["epoch", *sorted(logs)], delimiter=self.separator)
            if self._write_header:
                self.writer.writeheader()
        self.writer.writerow({"epoch": epoch, **{key: logs.get(key, "NA") for key in self.writer.fieldnames[1:]}})
        self.file.flush()

    def on_train_end(self, logs=None):
        if self.file is not None:
            self.file.close()
        self.file, self.writer = None, None
