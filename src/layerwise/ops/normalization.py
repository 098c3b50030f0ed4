"""Standardization x_hat = (x - mu) / sqrt(sigma^2 + eps) over some axes, and its backward pass.

Batch, layer, group and instance normalization differ only in the axes the statistics run over
(lecture 001: "differ in support sets of calculating the mean and variance"), so they share this kernel.
"""

import numpy as np


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


def folded_sum(folded, fold):
    """Per-channel sums (C,) of a `fold_channels` view."""
    return folded.sum(axis=0).reshape(fold, -1).sum(axis=0)


def tile(vector, fold):
    """A per-channel vector (C,) repeated to broadcast along a `fold_channels` view's rows."""
    return np.tile(vector, fold)


def folded_dot(first, second, fold):
    """Per-channel sums (C,) of first * second, two `fold_channels` views, without a full-size product."""
    return np.einsum("ij,ij->j", first, second).reshape(fold, -1).sum(axis=0)


def folded_centered_moments(folded, fold, count):
    """Per-channel mean and biased variance of a `fold_channels` view, and the centered view x - mu (a new
    array)."""
    mean = folded_sum(folded, fold) / count
    centered = folded - tile(mean, fold)
    return mean, folded_dot(centered, centered, fold) / count, centered
