"""Input pipelines, as ``tf.data`` and ``keras.utils.Sequence`` for Keras users.

`Dataset.from_arrays(x, y).shuffle().batch(128).map(augment).prefetch()` feeds `Model.fit` batch by
batch; a `Sequence` subclass serves batches by index. Either, a Python generator of (x, y) batches, or
plain arrays can be passed to `fit`, `evaluate` and `predict`.
"""

from layerwise.data.dataset import Dataset
from layerwise.data.sequence import PyDataset, Sequence

__all__ = ["Dataset", "PyDataset", "Sequence"]
