"""Sequence: a data source that serves batch i on request (``keras.utils.Sequence``)."""


class Sequence:
    """Base class of an indexable source of batches.

    Subclasses implement ``__len__`` (batches per epoch) and ``__getitem__(index)`` returning an
    ``(x, y)`` batch (or ``x`` alone for `predict`); ``on_epoch_end`` runs after every epoch, e.g. to
    reshuffle. `Model.fit` asks for batches 0 .. len - 1 in order each epoch.

    Example:
        >>> import numpy as np
        >>> class Squares(Sequence):
        ...     def __len__(self):
        ...         return 3
        ...     def __getitem__(self, index):
        ...         x = np.arange(4.0).reshape(2, 2) + index
        ...         return x, x ** 2
        >>> len(Squares()), Squares()[1][1].tolist()
        (3, [[1.0, 4.0], [9.0, 16.0]])
    """

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must implement __len__ (batches per epoch)")

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__(index) -> (x, y)")

    def on_epoch_end(self):
        """Called after every epoch; does nothing unless overridden."""

    def __iter__(self):
        return (self[index] for index in range(len(self)))


class PyDataset(Sequence):
    """Keras 3's name of `Sequence`, taking its constructor arguments.

    Args:
        workers, use_multiprocessing, max_queue_size: Keras's options for loading batches in parallel, kept
            as attributes; layerwise loads a PyDataset's batches one after another in the training thread
            (prefetch in parallel with `layerwise.data.Dataset.prefetch`).

    Example:
        >>> class Ones(PyDataset):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...     def __len__(self):
        ...         return 2
        ...     def __getitem__(self, index):
        ...         return [index]
        >>> list(Ones(workers=4))
        [[0], [1]]
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size
