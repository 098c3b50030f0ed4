"""Discretization: continuous values put into bins, given or learned from quantiles by `adapt`."""

import numpy as np

from layerwise.layers.preprocessing._categorical import CategoricalLayer, data_batches
from layerwise.ops.categorical import bin_boundaries, merge_summaries, quantile_summary
from layerwise.utils._arguments import check_integer


class Discretization(CategoricalLayer):
    """Bin indices: with boundaries b_1 < ... < b_k, i(x) = #{j : b_j <= x}, i.e. the bins (-inf, b_1), [b_1, b_2),
    ..., [b_k, inf) (NumPy's ``digitize``, as Keras), encoded by ``output_mode`` over k + 1 bins. `adapt` learns the
    boundaries at the quantiles 1/num_bins, ..., (num_bins - 1)/num_bins of the data from Keras's quantile summary
    of tolerance ``epsilon``. Piecewise constant: dJ/dx = 0 off the boundaries, which backward returns.

    Outputs are floats of the layer's dtype in every mode ("int" included: Keras gives int64 there), as every
    layerwise layer passes float arrays.

    Args:
        bin_boundaries: the increasing boundaries, or None to learn them with `adapt`.
        num_bins: the number of bins `adapt` learns (give it or ``bin_boundaries``, not both).
        epsilon: the quantile summary's tolerance in (0, 1] (default 0.01).
        output_mode: "int" (the bin index per entry), "one_hot", "multi_hot" or "count" (see
            `layerwise.ops.categorical.encode`).
        sparse: must be False (dense outputs only).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, ...).

    Output shape:
        "int": the input's; "one_hot": (batch, ..., bins) (the last axis replaced when it has size 1);
        "multi_hot" / "count": (batch, ..., bins) with the last axis (the sample) replaced.

    Example:
        >>> import numpy as np
        >>> x = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])
        >>> Discretization(bin_boundaries=[0.0, 1.0, 2.0])(x)
        array([[0., 2., 3., 1.],
               [1., 3., 2., 1.]], dtype=float32)
        >>> layer = Discretization(num_bins=4, epsilon=0.01)
        >>> layer.adapt(x)
        >>> layer(x)
        array([[0., 2., 3., 2.],
               [1., 3., 3., 1.]], dtype=float32)

    References:
        Keras ``keras.layers.Discretization``.
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, **kwargs):
        super().__init__(output_mode, sparse, **kwargs)
        if (bin_boundaries is None) == (num_bins is None):
            raise ValueError(f"Discretization: give bin_boundaries or num_bins (and adapt), exactly one of them, "
                             f"received bin_boundaries={bin_boundaries!r} and num_bins={num_bins!r}")
        self.num_bins = None if num_bins is None else check_integer(num_bins, "num_bins", "Discretization")
        if not 0 < epsilon <= 1:
            raise ValueError(f"Discretization: epsilon must lie in (0, 1], received {epsilon!r}")
        self.epsilon = float(epsilon)
        self.bin_boundaries = None if bin_boundaries is None else self.checked_boundaries(bin_boundaries)

    @staticmethod
    def checked_boundaries(boundaries):
        values = [float(value) for value in np.ravel(boundaries)]
        if any(later <= earlier for earlier, later in zip(values, values[1:])):
            raise ValueError(f"Discretization: bin_boundaries must increase, received {boundaries!r}")
        return values

    @property
    def depth(self):
        return self.num_bins if self.bin_boundaries is None else len(self.bin_boundaries) + 1

    def adapt(self, data):
        """Learn the boundaries from ``data``: an array, or an iterable of batches (x or (x, y))."""
        if self.num_bins is None:
            raise ValueError(f"Layer '{self.name}' (Discretization) was given bin_boundaries: give num_bins instead "
                             "to learn them with adapt")
        summary = np.zeros((2, 0))
        for batch in data_batches(data):
            summary = merge_summaries(quantile_summary(batch, self.epsilon), summary, self.epsilon)
        if summary.shape[1] == 0:
            raise ValueError(f"Layer '{self.name}' (Discretization).adapt: received no data")
        self.bin_boundaries = bin_boundaries(summary, self.num_bins).tolist()

    def forward_indices(self, x):
        if self.bin_boundaries is None:
            raise ValueError(f"Layer '{self.name}' (Discretization) has no bin boundaries: call adapt first")
        return np.searchsorted(np.asarray(self.bin_boundaries), x, side="right")

    def get_config(self):
        return {**super().get_config(), "bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon}

    @classmethod
    def from_config(cls, config):
        # An adapted layer's config holds both: build from num_bins, then restore the learned boundaries.
        config = dict(config)
        boundaries = config.pop("bin_boundaries") if config.get("num_bins") is not None else None
        layer = cls(**config)
        if boundaries is not None:
            layer.bin_boundaries = cls.checked_boundaries(boundaries)
        return layer
