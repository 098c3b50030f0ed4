"""Encodings of integer category indices, as Keras's preprocessing layers give them ("int", "one_hot", "multi_hot",
"count"), and the quantile summary that `Discretization.adapt` learns its bin boundaries from."""

import numpy as np

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def encoded_shape(shape, output_mode, depth):
    """The output shape of `encode` for indices of ``shape``."""
    shape = tuple(shape)
    if output_mode == "int":
        return shape
    if output_mode == "one_hot":
        return (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (depth,)
    return (shape[:-1] if len(shape) > 1 else shape) + (depth,)


def encode(indices, output_mode, depth, dtype):
    """Indices (batch, ...) in [0, depth), or -1 for an entry left out, encoded in float ``dtype``:

    - "int": the indices as they are;
    - "one_hot": a (…, depth) indicator per entry, encoding on the last axis when it has size 1;
    - "multi_hot" / "count": per sample (the last axis; a rank-1 batch is one entry per sample) whether / how often
      each index occurs.
    """
    if output_mode == "int":
        return indices.astype(dtype)
    categories = np.arange(depth)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return (indices[..., None] == categories).astype(dtype)
    if indices.ndim == 1:
        indices = indices[:, None]
    counts = np.sum(indices[..., None] == categories, axis=-2)
    return (counts > 0 if output_mode == "multi_hot" else counts).astype(dtype)


def quantile_summary(values, epsilon):
    """Keras's summary of sorted values for quantiles: every ⌊n ε⌋-th value from the ⌊n ε⌋-th on (every value
    when n ε < 1), as (2, k) float32 rows of values and the weights max(n ε, 1) they stand for."""
    values = np.sort(np.ravel(values).astype(np.float32))  # in float32, as Keras: boundaries equal float32 inputs
    increment = values.size * epsilon
    step = max(increment, 1.0)
    kept = values[int(increment)::int(step)]
    return np.stack([kept, np.full(kept.shape, step)])


def merge_summaries(first, second, epsilon):
    """The summary of two data sets' values from theirs, sorted and compressed."""
    merged = np.concatenate([first, second], axis=1)
    return compress_summary(merged[:, np.argsort(merged[0], kind="stable")], epsilon)


def compress_summary(summary, epsilon):
    """The summary at the cumulative-weight fractions ε, 2ε, ..., 1 (interpolated), when it has more points."""
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = epsilon + np.arange(0.0, 1.0, epsilon)
    cumulative = np.cumsum(summary[1])
    values = np.interp(fractions, cumulative / cumulative[-1], summary[0])
    weights = np.diff(np.interp(fractions, cumulative / cumulative[-1], cumulative), prepend=0.0)
    return np.stack([values, weights]).astype(np.float32)


def bin_boundaries(summary, num_bins):
    """The num_bins - 1 boundaries at the fractions 1/num_bins, ..., (num_bins - 1)/num_bins of the summary."""
    return compress_summary(summary, 1.0 / num_bins)[0, :-1]
