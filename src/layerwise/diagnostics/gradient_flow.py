"""GradientFlow: per-layer gradient statistics and update-to-weight ratios as training runs."""

import numpy as np

from layerwise.diagnostics._diagnostic import Diagnostic
from layerwise.diagnostics._layers import trainable_kernels
from layerwise.utils._arguments import check_integer


class GradientFlow(Diagnostic):
    """The gradient dJ/dW of each layer's kernel, and how far a step moves it, every ``every`` batches.

    For each layer with trainable weights, at any depth of nested models, with W its kernel (its first
    trainable weight), g = dJ/dW the gradient the optimizer applied at a sampled step (after its
    clipping) and ΔW = W_after - W_before that step's change:

        grad_norm = ||g||_2,  grad_mean_abs = mean |g|,  grad_max_abs = max |g|,
        update_ratio = ||ΔW||_2 / ||W_before||_2   (inf, or nan if it stays zero, for an all-zero kernel).

    Falling norms from the output to the input side are vanishing gradients (lecture 000); plain SGD
    moves W by ΔW = -lr g, so update_ratio = lr ||g|| / ||W||, and a ratio far from about 1e-3 is the
    usual sign of a learning rate too large or too small. The weights are copied before the sampled
    steps only, so sampling keeps the cost low.

    Keys (one record per sampled batch, with "epoch" and "batch"; the logs hold each key's mean over
    the epoch's sampled batches): ``grad_norm/<layer>``, ``grad_mean_abs/<layer>``,
    ``grad_max_abs/<layer>``, ``update_ratio/<layer>``.

    Args:
        every: sample the batches whose index in the epoch is a multiple of ``every`` (the first
            batch of every epoch is sampled).
        path: a ``.csv``, ``.json`` or ``.jsonl`` file the records are written to at each epoch's end.
        append: add to the records already in that file (a resumed run) instead of starting it afresh.

    Example:
        >>> import numpy as np, layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, activation="relu", name="hidden"),
        ...                               Dense(1, name="out")])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> flow = GradientFlow(every=2)
        >>> history = model.fit(np.ones((8, 3)), np.zeros((8, 1)), batch_size=2, verbose=0, callbacks=[flow])
        >>> sorted(key for key in history.history if key.endswith("/hidden"))
        ['grad_max_abs/hidden', 'grad_mean_abs/hidden', 'grad_norm/hidden', 'update_ratio/hidden']
        >>> [record["batch"] for record in flow.records]
        [0, 2]

    References:
        Lecture 000 (vanishing and exploding gradients); lecture 001 (dE/dx_l through the layers);
        Karpathy, "A Recipe for Training Neural Networks" (2019), the update-to-weight ratio.
    """

    def __init__(self, every=1, path=None, append=False):
        super().__init__(path, append)
        self.every = check_integer(every, "every", "GradientFlow")
        self._kernels, self._before, self._pending, self._epoch = None, None, [], 0

    def on_train_begin(self, logs=None):
        super().on_train_begin(logs)
        # Found at the first step, when a model fed by a batch source has been built.
        self._kernels, self._pending = None, []

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_begin(self, batch, logs=None):
        if batch % self.every:
            return
        if self._kernels is None:
            self._kernels = trainable_kernels(self.model, "GradientFlow")
        self._before = {name: kernel.value.copy() for name, kernel in self._kernels.items()}

    def on_train_batch_end(self, batch, logs=None):
        if batch % self.every:
            return
        record = {"epoch": self._epoch, "batch": batch}
        for name, kernel in self._kernels.items():
            gradient, before = np.abs(kernel.grad), self._before[name]
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.linalg.norm(kernel.value - before) / np.linalg.norm(before)
            record.update({f"grad_norm/{name}": float(np.linalg.norm(gradient)),
                           f"grad_mean_abs/{name}": float(gradient.mean()),
                           f"grad_max_abs/{name}": float(gradient.max()),
                           f"update_ratio/{name}": float(ratio)})
        self._pending.append(record)

    def epoch_records(self, epoch):
        records, self._pending = self._pending, []
        return records
