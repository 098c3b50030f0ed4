"""Datasets from arrays: `split_dataset` and `timeseries_dataset_from_array`, as `keras.utils`'s, returning
`layerwise.data.Dataset` objects (Keras returns tf.data datasets)."""

import numbers

import numpy as np

from layerwise.utils._arguments import check_integer
from layerwise.utils.random import make_generator


def _split_sizes(left_size, right_size, total):
    """Keras's sizes: a float is a fraction (rounded), an int a count; a missing side is the rest; none is 0.5."""
    if left_size is None and right_size is None:
        left_size = 0.5
    sizes = []
    for side, size in (("left", left_size), ("right", right_size)):
        if size is None:
            sizes.append(None)
        elif isinstance(size, float) and 0 < size < 1:
            sizes.append(round(size * total))
        elif isinstance(size, numbers.Integral) and not isinstance(size, bool) and 0 < size < total:
            sizes.append(int(size))
        else:
            raise ValueError(f"split_dataset: {side}_size must be a float in (0, 1) or an int in (0, {total}), "
                             f"received {size!r}")
    left, right = (total - sizes[1] if sizes[0] is None else sizes[0]), (total - sizes[0] if sizes[1] is None
                                                                         else sizes[1])
    if left + right > total or not left or not right:
        raise ValueError(f"split_dataset: left_size={left_size!r} and right_size={right_size!r} of {total} samples "
                         f"give {left} and {right}: each side needs a sample and they cannot exceed the total")
    return left, right


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None):
    """Split an array, or a tuple (x,), (x, y) or (x, y, sample_weight) of arrays, into two `Dataset`s.

    Args:
        dataset: the samples.
        left_size, right_size: a float in (0, 1) (a fraction, rounded) or an int (a count); a missing one is the
            rest, and both missing split in halves.
        shuffle: draw the samples of each side at random (``seed``) instead of in order.
        seed: the seed of that draw.

    Example:
        >>> import numpy as np
        >>> left, right = split_dataset((np.arange(10), np.arange(10) * 2), left_size=0.8)
        >>> left.x.tolist(), right.y.tolist()
        ([0, 1, 2, 3, 4, 5, 6, 7], [16, 18])
    """
    from layerwise.data import Dataset

    arrays = [np.asarray(a) for a in (dataset if isinstance(dataset, (tuple, list)) else (dataset,))]
    if not 1 <= len(arrays) <= 3 or any(len(a) != len(arrays[0]) for a in arrays):
        raise ValueError("split_dataset: expected an array or a tuple (x,), (x, y) or (x, y, sample_weight) of "
                         f"arrays of one length, received {[a.shape for a in arrays]}")
    left, right = _split_sizes(left_size, right_size, len(arrays[0]))
    order = make_generator(seed).permutation(len(arrays[0])) if shuffle else np.arange(len(arrays[0]))
    return tuple(Dataset.from_arrays(*(a[part] for a in arrays))
                 for part in (order[:left], order[len(order) - right:]))


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None, end_index=None):
    """Windows of consecutive steps of ``data``, as Keras: window i holds the steps p_i, p_i + r, ...,
    p_i + (L - 1) r of data[start_index:end_index], with p_i = i s, and its target is targets[start_index + p_i].

    Args:
        data: an array of steps (steps, ...).
        targets: one target per step (the window starting there gets it), or None.
        sequence_length: L, the steps per window.
        sequence_stride: s, the steps between window starts (default 1).
        sampling_rate: r, the steps between two steps of a window (default 1).
        batch_size: windows per batch (None: one batch of all).
        shuffle: visit the windows in a new random order every epoch.
        seed: the seed of the shuffling.
        start_index, end_index: the part of data to use (default: all).

    Returns:
        A `layerwise.data.Dataset` of (windows, targets) batches (windows alone without targets).

    Example:
        >>> import numpy as np
        >>> data = timeseries_dataset_from_array(np.arange(10), np.arange(10), sequence_length=3, batch_size=None)
        >>> windows, targets = next(iter(data))
        >>> windows[:2].tolist(), targets[:2].tolist()
        ([[0, 1, 2], [1, 2, 3]], [0, 1])
    """
    from layerwise.data import Dataset

    where = "timeseries_dataset_from_array"
    length, stride, rate = (check_integer(value, name, where) for name, value in (
        ("sequence_length", sequence_length), ("sequence_stride", sequence_stride), ("sampling_rate", sampling_rate)))
    data = np.asarray(data)
    start_index = 0 if start_index is None else start_index
    end_index = len(data) if end_index is None else end_index
    count = end_index - start_index - (length - 1) * rate
    if targets is not None:
        count = min(count, len(targets))
    if count <= 0:
        raise ValueError(f"{where}: {end_index - start_index} steps hold no window of {length} steps "
                         f"{rate} apart")
    starts = np.arange(0, count, stride)
    windows = data[start_index:end_index][starts[:, None] + np.arange(length) * rate]
    labels = None if targets is None else np.asarray(targets)[start_index:end_index][starts]
    dataset = Dataset.from_arrays(windows, labels)
    if shuffle:
        dataset = dataset.shuffle(seed)
    return dataset.batch(batch_size) if batch_size is not None else dataset
