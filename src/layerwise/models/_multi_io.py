"""Training data and losses of a model with several inputs or outputs.

The one training loop (`Trainer`) batches, shuffles and splits its data by indexing along the sample axis;
`SampleArrays` holds several arrays (one per model input or output) and indexes them together, so the loop
runs unchanged. `OutputLosses` applies one loss per output and sums them, weighted:
J = sum_k w_k J_k(y_k, p_k), dJ/dp_k = w_k dJ_k/dp_k.
"""

import numpy as np

from layerwise import losses as losses_module


class SampleArrays:
    """Several arrays with the same number of samples, indexed together: ``arrays[index]`` slices each."""

    def __init__(self, arrays, what, where):
        self.arrays = [np.asarray(a) for a in arrays]
        counts = {len(a) if a.ndim else None for a in self.arrays}
        if None in counts or len(counts) != 1:
            raise ValueError(f"{where}: the arrays of {what} must share one number of samples, received shapes "
                             f"{[a.shape for a in self.arrays]}")

    def __len__(self):
        return len(self.arrays[0])

    def __iter__(self):
        return iter(self.arrays)

    def __getitem__(self, index):
        sliced = SampleArrays.__new__(SampleArrays)
        sliced.arrays = [a[index] for a in self.arrays]
        return sliced

    def astype(self, dtype, copy=True):
        cast = SampleArrays.__new__(SampleArrays)
        cast.arrays = [a.astype(dtype, copy=copy) if np.issubdtype(a.dtype, np.number) else a for a in self.arrays]
        return cast


class OutputLosses(losses_module.Loss):
    """The weighted sum of one loss per output: J = sum_k w_k J_k(y_k, p_k) (Keras's ``loss_weights``).

    Args:
        losses: one loss (name or object) per output.
        weights: one weight w_k per output (default: all 1).
    """

    def __init__(self, losses, weights=None):
        super().__init__(name="output_losses")
        self.losses = [losses_module.get(loss) for loss in losses]
        self.weights = [1.0] * len(self.losses) if weights is None else [float(weight) for weight in weights]

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        return float(sum(w * loss(t, p, sample_weight) for w, loss, t, p in zip(self.weights, self.losses, y_true,
                                                                                 y_pred, strict=True)))

    def call(self, y_true, y_pred):
        return sum(w * loss.call(t, p) for w, loss, t, p in zip(self.weights, self.losses, y_true, y_pred,
                                                                 strict=True))

    def gradient(self, y_true, y_pred):
        return [w * loss.gradient(t, p) for w, loss, t, p in zip(self.weights, self.losses, y_true, y_pred,
                                                                  strict=True)]

    def weigh(self, gradients, sample_weight):
        return [loss.weigh(gradient, sample_weight) for loss, gradient in zip(self.losses, gradients, strict=True)]

    def fuses_with(self, activation) -> bool:
        return False

    def check_targets(self, y_true, output_shape) -> None:
        for loss, targets, shape in zip(self.losses, y_true, output_shape, strict=True):
            loss.check_targets(targets, shape)
