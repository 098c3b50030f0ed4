"""Standardization x_hat = (x - mu) / sqrt(sigma^2 + eps) over some axes, and its backward pass.

Batch, layer, group and instance normalization differ only in the axes the statistics run over
(lecture 001: "differ in support sets of calculating the mean and variance"), so they share this kernel.
"""

import numpy as np

from layerwise.ops import _compiled
from layerwise.ops._lanes import in_lanes, sample_bytes


def moments(x, axes):
    """Mean and biased variance (1/m sum (x - mu)^2, as lecture 001's Algorithm 1) over ``axes``, kept."""
    mean = x.mean(axis=axes, keepdims=True)
    centered = x - mean
    variance = np.square(centered).mean(axis=axes, keepdims=True)
    return mean, variance, centered


def standardize(x, axes, epsilon):
    """Return (x_hat, mean, variance, inv_std) with statistics over ``axes`` (kept as size-1 axes)."""
    mean, variance, x_hat = moments(x, axes)
    inv_std = 1.0 / np.sqrt(variance + epsilon)
    x_hat *= inv_std
    return x_hat, mean, variance, inv_std


def standardize_backward(dx_hat, x_hat, inv_std, axes):
    """dJ/dx through the statistics, for x_hat = (x - mu) / sqrt(sigma^2 + eps) with m entries per set:

    dJ/dx = inv_std * (dJ/dx_hat - mean(dJ/dx_hat) - x_hat * mean(dJ/dx_hat * x_hat)).
    """
    dx = dx_hat - dx_hat.mean(axis=axes, keepdims=True)
    dx -= x_hat * (dx_hat * x_hat).mean(axis=axes, keepdims=True)
    dx *= inv_std
    return dx


#: The row length of a `fold_channels` view: long enough that NumPy's inner loop, not its per-row overhead, sets the
#: pace; set on the AMD Zen 3 machine and not machine-dependent in kind (any CPU pays NumPy's per-row overhead).
_FOLD_WIDTH = 2048


def fold_channels(x):
    """View a channels-last batch (..., C) as rows of f C values, f C near 2048; return (view, f).

    Per-channel sums and broadcasts over (M, C) leave NumPy an inner loop of only C elements per row, several
    times slower than a copy for C = 16; on the folded (M / f, f C) view the inner loop is f C long, and a
    per-channel vector tiled f times broadcasts along it.
    """
    channels = x.shape[-1]
    rows = x.size // channels
    fold = max(1, min(rows, _FOLD_WIDTH // channels))
    while rows % fold:
        fold -= 1
    return np.ascontiguousarray(x).reshape(rows // fold, fold * channels), fold


def in_row_lanes(function, folded):
    """``function(lane, start, stop)`` over slices of the rows of a `fold_channels` view, in lanes
    (`layerwise.ops._lanes`); returns the lanes' results. An empty view is one empty slice, so that sums
    over it come out as zeros."""
    return in_lanes(function, len(folded), sample_bytes(folded)) or [function(0, 0, 0)]


def _per_channel(row_sums, fold):
    """Per-channel sums (C,) of the lanes' column sums of a `fold_channels` view."""
    return sum(row_sums[1:], row_sums[0]).reshape(fold, -1).sum(axis=0)


def folded_sum(folded, fold):
    """Per-channel sums (C,) of a `fold_channels` view."""
    return _per_channel(in_row_lanes(lambda _, start, stop: folded[start:stop].sum(axis=0), folded), fold)


def tile(vector, fold):
    """A per-channel vector (C,) repeated to broadcast along a `fold_channels` view's rows."""
    return np.tile(vector, fold)


def _row_dots(first, second):
    """The column sums of first * second, without the full-size product."""
    return np.einsum("ij,ij->j", first, second)


def folded_sum_and_dot(first, second, fold):
    """Per-channel sums (C,) of first and of first * second, two `fold_channels` views, in one pass and
    without a full-size product."""
    def lane(_, start, stop):
        return first[start:stop].sum(axis=0), _row_dots(first[start:stop], second[start:stop])
    sums, dots = zip(*in_row_lanes(lane, first))
    return _per_channel(sums, fold), _per_channel(dots, fold)


def folded_scale_shift(centered, scale, out, shift=None, folded=None, mean=None):
    """out = centered * scale (+ shift) on `fold_channels` views, per-channel vectors tiled by `tile`; with
    ``folded`` and ``mean``, ``centered`` is first filled with folded - mean in the same pass (the forward pass
    of batch normalization in inference, y = (gamma inv_std) (x - mu) + beta). One pass each, compiled
    (`layerwise.ops._compiled`), when the compiled kernels run."""
    if _compiled.runs_on(centered, out, scale):
        shift = np.zeros_like(scale) if shift is None else shift

        def compiled_lane(_, start, stop):
            if mean is None:
                _compiled.affine(centered[start:stop], scale, shift, out[start:stop])
            else:
                _compiled.center_affine(folded[start:stop], mean, scale, shift, centered[start:stop], out[start:stop])
        in_row_lanes(compiled_lane, centered)
        return out

    def lane(_, start, stop):
        if mean is not None:
            np.subtract(folded[start:stop], mean, out=centered[start:stop])
        part = np.multiply(centered[start:stop], scale, out=out[start:stop])
        if shift is not None:
            part += shift
    in_row_lanes(lane, centered)
    return out


def folded_scale_combine(dy, scale, out, centered=None, on_centered=None, constant=None):
    """out = dy * scale (+ centered * on_centered + constant) on `fold_channels` views: the input gradient of
    batch normalization, dJ/dx = s dJ/dy + a (x - mu) + c with per-channel s, a and c tiled by `tile`; in one
    pass, compiled (`layerwise.ops._compiled`), when the compiled kernels run and there is a centered term."""
    if centered is not None and _compiled.runs_on(dy, centered, out, scale, on_centered, constant):
        in_row_lanes(lambda _, start, stop: _compiled.combine(dy[start:stop], scale, centered[start:stop],
                                                              on_centered, constant, out[start:stop]), dy)
        return out

    def lane(_, start, stop):
        part = np.multiply(dy[start:stop], scale, out=out[start:stop])
        if centered is not None:
            part += centered[start:stop] * on_centered
            part += constant
    in_row_lanes(lane, dy)
    return out


def _shifted_sums(rows, shift):
    """(column sums of rows - shift, of (rows - shift)^2), float64, for a slice of a `fold_channels` view."""
    sums, squares = np.zeros(len(shift)), np.zeros(len(shift))
    if _compiled.runs_on(rows):
        _compiled.shifted_sums(rows, shift, sums, squares)
    else:
        shifted = rows - shift
        sums += shifted.sum(axis=0)
        squares += np.einsum("ij,ij->j", shifted, shifted)
    return sums, squares


def folded_moments(folded, fold):
    """Per-channel mean and biased variance of a non-empty `fold_channels` view, in its dtype, from one read of it.

    Each column's sums of d = x - s and d^2 are taken in float64, s the column's value in the first row (so that
    the variance, sum d^2 / m - (sum d / m)^2, loses nothing to a mean far from zero), and a channel's columns are
    then combined as Chan et al. combine variances of equal parts. The moments used to take a pass for the mean, a
    pass that wrote x - mu and one that read it back; with the output's pass writing x - mu (`folded_scale_shift`),
    batch normalization's forward pass of a (128, 32, 32, 16) float32 batch took 3.1 against 4.3 ms in lanes, compiled
    (2.0 against 2.6 ms for (128, 16, 16, 32), 1.4 against 1.7 for (128, 8, 8, 64); the Intel Xeon VM, alternating).
    """
    shift = folded[0].astype(np.float64)
    lanes = in_row_lanes(lambda _, start, stop: _shifted_sums(folded[start:stop], shift), folded)
    sums, squares = (sum(parts) for parts in zip(*lanes))
    rows, channels = len(folded), folded.shape[1] // fold
    column_means = (shift + sums / rows).reshape(fold, channels)
    column_squares = (squares - sums * sums / rows).reshape(fold, channels)
    mean = column_means.mean(axis=0)
    variance = (column_squares.sum(axis=0) + rows * np.square(column_means - mean).sum(axis=0)) / (rows * fold)
    return mean.astype(folded.dtype), np.maximum(variance, 0.0).astype(folded.dtype)
