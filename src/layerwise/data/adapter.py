"""Turn what `fit`, `evaluate` and `predict` accept into a stream of batches, epoch by epoch.

Arrays are indexed in place (a permutation per epoch when shuffling), exactly as the trainer always
did; a `Dataset`, a `Sequence` (or any object with ``__len__``, ``__getitem__`` and
``on_epoch_end``) or a Python iterator of batches is consumed as it comes, ``steps`` batches per epoch.
"""

import itertools
import math

from layerwise.data.dataset import Dataset
from layerwise.data.sequence import Sequence
from layerwise.utils._arguments import check_integer
from layerwise.utils.random import generator


def is_batch_source(x) -> bool:
    """Whether ``x`` yields batches itself (rather than being an array of samples)."""
    return (isinstance(x, (Dataset, Sequence)) or hasattr(x, "__next__")
            or (hasattr(x, "on_epoch_end") and hasattr(x, "__getitem__") and hasattr(x, "__len__")))


def split_batch(item, where):
    """``(x, y, sample_weight)``, ``(x, y)``, ``(x,)`` or ``x`` -> (x, y or None, sample_weight or None)."""
    if not isinstance(item, tuple):
        return item, None, None
    if 1 <= len(item) <= 3:
        return item + (None,) * (3 - len(item))
    raise ValueError(f"{where}: a batch must be x, (x,), (x, y) or (x, y, sample_weight); received a tuple of "
                     f"{len(item)}")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """One batch from its parts, as `keras.utils.pack_x_y_sample_weight`: x (or ``(x,)`` when x is itself a
    tuple or list), ``(x, y)`` or ``(x, y, sample_weight)``.

    Example:
        >>> pack_x_y_sample_weight("x", "y"), pack_x_y_sample_weight("x", "y", "w")
        (('x', 'y'), ('x', 'y', 'w'))
        >>> pack_x_y_sample_weight("x")
        'x'
        >>> pack_x_y_sample_weight(("a", "b"))  # two inputs: wrapped, so as not to read as (x, y)
        (('a', 'b'),)
    """
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    return (x, y) if sample_weight is None else (x, y, sample_weight)


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` of a batch, None for the parts it lacks, as `keras.utils.unpack_x_y_sample_weight`.

    Example:
        >>> unpack_x_y_sample_weight(pack_x_y_sample_weight([1], [2]))
        ([1], [2], None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if not 1 <= len(data) <= 3:
        raise ValueError(f"unpack_x_y_sample_weight: expected x, (x,), (x, y) or (x, y, sample_weight), "
                         f"received a tuple of {len(data)}")
    return data + (None,) * (3 - len(data))


class ArrayBatches:
    """Batches x[index], y[index], sample_weight[index] of in-memory arrays; ``index`` a slice or a slice of a
    permutation."""

    def __init__(self, x, y, batch_size, shuffle=False, sample_weight=None):
        self.x, self.y, self.batch_size, self.shuffle = x, y, batch_size, shuffle
        self.sample_weight = sample_weight
        self.steps = max(1, math.ceil(len(x) / batch_size))
        #: The current epoch's order of the samples (None unshuffled), which a mid-epoch checkpoint keeps.
        self.order = None

    def epoch(self, start=0, order=None):
        """The epoch's batches from batch ``start`` on, in ``order`` (default: a new permutation when
        shuffling); a resumed epoch passes the order and position of the one it continues."""
        if order is None and self.shuffle:
            order = generator().permutation(len(self.x))
        self.order = order
        for step in range(start, self.steps):
            index = slice(step * self.batch_size, (step + 1) * self.batch_size)
            if order is not None:
                index = order[index]
            yield tuple(None if array is None else array[index] for array in (self.x, self.y, self.sample_weight))


class SourceBatches:
    """Batches from a Dataset, a Sequence or an iterator; ``steps`` per epoch (default: its length).

    An iterator without ``steps`` is read to its end in the first epoch; a later epoch that finds it
    exhausted is an error naming ``steps_per_epoch``.
    """

    def __init__(self, source, steps, where):
        self.source, self.where = source, where
        if steps is None and hasattr(source, "__len__"):
            steps = len(source)
        self.steps = check_integer(steps, "steps", where, allow_none=True)
        self.iterator = source if hasattr(source, "__next__") else None

    def epoch(self):
        batches = self.iterator if self.iterator is not None else iter(self.source)
        count = 0
        for item in itertools.islice(batches, self.steps):
            count += 1
            yield split_batch(item, self.where)
        if count == 0:
            raise ValueError(f"{self.where}: the data source yielded no batch; a generator is used up after "
                             "one pass unless it loops forever and steps_per_epoch (steps) is given")
        if hasattr(self.source, "on_epoch_end"):
            self.source.on_epoch_end()
