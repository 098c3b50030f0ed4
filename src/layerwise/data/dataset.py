"""Dataset: arrays served in shuffled, mapped, prefetched batches without copying the data per epoch."""

import math
import queue
import threading
from dataclasses import dataclass, field, replace
from typing import Callable, Optional

import numpy as np

from layerwise.utils._arguments import check_integer
from layerwise.utils.random import make_generator

_DONE = object()


@dataclass(frozen=True, eq=False)
class Dataset:
    """An epoch-by-epoch stream of (x, y) batches drawn from in-memory arrays.

    Each method returns a new Dataset; iterating runs one epoch. Per epoch, ``shuffle`` draws a new
    index permutation (the arrays are never copied or reordered: batch k gathers x[order[k B:(k+1) B]]),
    ``batch`` sets B, ``map`` transforms each batch (augmentation, uint8 -> float conversion), and
    ``prefetch`` prepares the next batches in a background thread while the model trains on the
    current one. Create one with `Dataset.from_arrays`.

    Example:
        >>> import numpy as np
        >>> data = Dataset.from_arrays(np.arange(10), np.arange(10) % 2).batch(4, drop_remainder=True)
        >>> [x.tolist() for x, _ in data]
        [[0, 1, 2, 3], [4, 5, 6, 7]]
        >>> doubled = Dataset.from_arrays(np.arange(6)).shuffle(seed=0).batch(4).map(lambda x: 2 * x)
        >>> [len(x) for x in doubled], sorted(v for x in doubled for v in x.tolist())
        ([4, 2], [0, 2, 4, 6, 8, 10])
    """

    x: np.ndarray = field(repr=False)
    y: Optional[np.ndarray] = field(default=None, repr=False)
    batch_size: Optional[int] = None
    drop_remainder: bool = False
    rng: Optional[np.random.Generator] = None
    function: Optional[Callable] = None
    prefetch_size: int = 0
    sample_weight: Optional[np.ndarray] = field(default=None, repr=False)

    @classmethod
    def from_arrays(cls, x, y=None, sample_weight=None):
        """A dataset of the samples x[i] (and targets y[i], and weights sample_weight[i]: batches are then
        (x, y, sample_weight), which `Model.fit` and `evaluate` weigh by); the arrays are referenced, not copied.

        Raises:
            ValueError: x, y and sample_weight have different numbers of samples, or weights come without y.
        """
        x = np.asarray(x)
        y = None if y is None else np.asarray(y)
        sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        lengths = [len(a) for a in (y, sample_weight) if a is not None]
        if x.ndim == 0 or any(length != len(x) for length in lengths) or (sample_weight is not None and y is None):
            shapes = [None if a is None else a.shape for a in (y, sample_weight)]
            raise ValueError(f"Dataset.from_arrays: x, y and sample_weight must be arrays of the same number of "
                             f"samples (weights with targets), received shapes {x.shape}, {shapes[0]} and {shapes[1]}")
        return cls(x, y, sample_weight=sample_weight)

    def shuffle(self, seed=None):
        """Visit the samples in a new random order every epoch (drawn from ``seed``'s generator)."""
        return replace(self, rng=make_generator(seed))

    def batch(self, batch_size, drop_remainder=False):
        """Group samples into batches of ``batch_size``; ``drop_remainder`` drops a final short batch."""
        batch_size = check_integer(batch_size, "batch_size", "Dataset.batch")
        return replace(self, batch_size=batch_size, drop_remainder=bool(drop_remainder))

    def map(self, function):
        """Apply ``function(x, y) -> (x, y)`` (``function(x) -> x`` without targets) to every batch; sample
        weights pass through unchanged.

        Maps compose in order: ``ds.map(f).map(g)`` applies f, then g.
        """
        if not callable(function):
            raise TypeError(f"Dataset.map: expected a callable, received {type(function).__name__}")
        previous = self.function
        if previous is None:
            return replace(self, function=function)
        if self.y is None:
            return replace(self, function=lambda x: function(previous(x)))
        return replace(self, function=lambda x, y: function(*previous(x, y)))

    def prefetch(self, buffer_size=1):
        return replace(self, prefetch_size=check_integer(buffer_size, "buffer_size", "Dataset.prefetch"))
        return replace(self, prefetch_size=buffer_size)

    def __len__(self):
        """Batches per epoch."""
        size = self.batch_size or len(self.x)
        return len(self.x) // size if self.drop_remainder else math.ceil(len(self.x) / size)

    def __iter__(self):
        batches = self._batches()
        return _prefetched(batches, self.prefetch_size) if self.prefetch_size else batches

    def _batches(self):
        size = self.batch_size or len(self.x)
        order = None if self.rng is None else self.rng.permutation(len(self.x))
        for step in range(len(self)):
            index = slice(step * size, (step + 1) * size)
            if order is not None:
                index = order[index]
            x = self.x[index]
            if self.y is None:
                yield x if self.function is None else self.function(x)
            else:
                y = self.y[index]
                pair = (x, y) if self.function is None else tuple(self.function(x, y))
                yield pair if self.sample_weight is None else (*pair, self.sample_weight[index])


def _prefetched(batches, buffer_size):
    """Run ``batches`` in a daemon thread, ``buffer_size`` ahead; errors are re-raised in the consumer."""
    slots = queue.Queue(maxsize=buffer_size)
    stop = threading.Event()

    def offer(item):
        """Put ``item`` unless the consumer has gone; never block forever on a full queue."""
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce():
        try:
            for batch in batches:
                if not offer(batch):
                    return
            offer(_DONE)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, which re-raises it
            offer(error)

    worker = threading.Thread(target=produce, daemon=True, name="layerwise-prefetch")
    worker.start()
    try:
        while True:
            item = slots.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
