"""The bases of the diagnostics callbacks: their records, the file they write them to, the epoch's logs, and
the probe set whose layer outputs some of them measure."""

import numpy as np

from layerwise.callbacks.callback import Callback
from layerwise.diagnostics._layers import layer_names
from layerwise.diagnostics._probe import require_graph
from layerwise.diagnostics._record_file import RecordFile
from layerwise.utils._arguments import check_integer

#: The keys of a record that say when it was measured; every other key is a statistic.
_WHEN = ("epoch", "batch")


class Diagnostic(Callback):
    """A callback that measures something inside the model and reports it three ways.

    At each epoch's end the records that `epoch_records` returns (flat dicts: ``"epoch"``, ``"batch"`` for
    per-batch measurements, then ``"<statistic>/<layer>"`` keys) are kept in `records`, written to the
    file at ``path``, and summarized into the epoch's logs, which `History` keeps: each statistic's
    mean over the epoch's records (a record per epoch is its own mean). Callbacks run in list order
    and `fit` adds its `History` last, so the keys reach it; a `History` or `CSVLogger` of your own
    must come after the diagnostics in ``callbacks``.

    Args:
        path: a ``.csv``, ``.json`` or ``.jsonl`` file to write the records to as training runs (see
            `RecordFile`), or None.
        append: add to the records already in that file (a resumed run) instead of starting it afresh.

    Attributes:
        records: every record since training began.
    """

    writes_weights = False

    def __init__(self, path=None, append=False):
        super().__init__()
        self.records = []
        self.file = None if path is None else RecordFile(path, type(self).__name__, append)

    def on_train_begin(self, logs=None):
        self.records = []
        if self.file is not None:
            self.file.start()

    def epoch_records(self, epoch):
        """The records measured in (or at the end of) ``epoch``; none on an epoch not measured."""
        raise NotImplementedError(f"{type(self).__name__} does not implement epoch_records")

    def on_epoch_end(self, epoch, logs=None):
        records = self.epoch_records(epoch)
        if not records:
            return
        self.records += records
        if self.file is not None:
            self.file.write(records)
        if logs is not None:
            keys = [key for key in records[0] if key not in _WHEN]
            logs.update({key: float(np.mean([record[key] for record in records])) for key in keys})


class ProbeDiagnostic(Diagnostic):
    """A diagnostic of the layers' outputs on a fixed probe set, measured at the end of every
    ``every_epoch``-th epoch (one record each, with "epoch").

    Subclasses say which layers they read (`select`) and what they measure on their outputs (`measure`).

    Args:
        probe_x: the probe inputs (a list of arrays for a model of several inputs); a few hundred
            examples, run as one batch in inference mode.
        every_epoch: measure after epochs every_epoch, 2 every_epoch ... (counting from 1). The
            History's lists of these keys then hold one value per measured epoch.
        path, append: as `Diagnostic`.
    """

    def __init__(self, probe_x, every_epoch=1, path=None, append=False):
        super().__init__(path, append)
        self.probe_x = [np.asarray(a) for a in probe_x] if isinstance(probe_x, (list, tuple)) else np.asarray(probe_x)
        first = self.probe_x[0] if isinstance(self.probe_x, list) else self.probe_x
        if first.ndim == 0 or len(first) == 0:
            raise ValueError(f"{type(self).__name__}: probe_x must be a non-empty array of examples, received "
                             f"an array of shape {first.shape}")
        self.every_epoch = check_integer(every_epoch, "every_epoch", type(self).__name__)

    def set_model(self, model):
        require_graph(model, type(self).__name__)
        super().set_model(model)

    def select(self, layer):
        """Whether to read ``layer``'s outputs."""
        raise NotImplementedError(f"{type(self).__name__} does not implement select")

    def measure(self, name, layer, outputs):
        """The statistics {"<statistic>/<name>": value} of ``layer`` from its outputs, one per call."""
        raise NotImplementedError(f"{type(self).__name__} does not implement measure")

    def epoch_records(self, epoch):
        if (epoch + 1) % self.every_epoch:
            return []
        found = self.model.layer_outputs(self.probe_x, self.select)
        record = {"epoch": epoch}
        for name, (layer, outputs) in zip(layer_names(found, type(self).__name__), found.items()):
            record.update(self.measure(name, layer, outputs))
        return [record]
