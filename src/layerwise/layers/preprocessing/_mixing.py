"""What MixUp and CutMix share: each image blended with another image of its batch, and the labels alike.

With a permutation π of the batch and per-entry weights w (drawn by the subclass), the images become
y_n = w_n x_n + (1 - w_n) x_π(n) and the labels l_n' = λ_n l_n + (1 - λ_n) l_π(n); backward sends each image's
gradient back to both images it came from: dJ/dx = w g + P^T((1 - w) g) (P: taking rows π).
"""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer


class MixingLayer(RandomLayer):
    """Base of MixUp and CutMix: called on images, or on a dict {"images": ..., "labels": ...} as Keras's layers are,
    it returns the same kind (the labels mixed with the images' draws). As every augmentation here, it mixes only
    with ``training=True`` and is the identity otherwise."""

    #: Whether a call on {"images", "labels"} transforms the labels too (a `Pipeline` hands such layers the dict).
    takes_labels = True

    def draw(self, x):
        """Return (the images' weights w broadcastable to x, the labels' weights λ (N,)) for this batch."""
        raise NotImplementedError

    def __call__(self, x, training=None, **kwargs):
        if not isinstance(x, dict):
            return super().__call__(x, training=training, **kwargs)
        if "images" not in x or set(x) - {"images", "labels"}:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) takes images or a dict of 'images' and "
                             f"optionally 'labels', received the keys {sorted(x)}")
        mixed = {"images": super().__call__(x["images"], training=training, **kwargs)}
        if "labels" in x:
            mixed["labels"] = self.mix_labels(np.asarray(x["labels"]), len(mixed["images"]))
        return mixed

    def forward(self, x, training=False):
        self.permutation = None
        if not training:
            return x
        self.permutation = self.rng.permutation(len(x))
        kept, self.label_weights = self.draw(x)
        self.kept = np.asarray(kept, dtype=x.dtype)
        return (self.kept * x + (1 - self.kept) * x[self.permutation]).astype(x.dtype, copy=False)

    def mix_labels(self, labels, count):
        """The labels mixed with this call's draws (as they are after an inference call)."""
        if len(labels) != count:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}): labels must have one row per image "
                             f"({count}), received shape {labels.shape}")
        if self.permutation is None:
            return labels
        labels = labels.astype(self.dtype)
        weights = self.label_weights.reshape((-1,) + (1,) * (labels.ndim - 1)).astype(self.dtype)
        return weights * labels + (1 - weights) * labels[self.permutation]

    def backward(self, dy):
        if self.permutation is None:
            return dy
        dx = self.kept * dy
        dx[self.permutation] += (1 - self.kept) * dy
        return dx
