"""RandomFlip: mirror each training image left-right and/or up-down with probability 1/2."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, check_choice

MODES = ("horizontal", "vertical", "horizontal_and_vertical")


def _flip(x, mask, axis):
    """Flip along ``axis`` the images whose mask entry is True (a permutation, its own inverse)."""
    if mask is None:
        return x
    return np.where(mask[:, None, None, None], np.flip(x, axis=axis), x)


class RandomFlip(RandomLayer):
    """Mirror images at random when training; the identity at inference.

    Each image is flipped left-right (y[n, i, j] = x[n, i, W-1-j]) with probability 1/2 if the mode
    includes "horizontal", and up-down (y[n, i, j] = x[n, H-1-i, j]) if it includes "vertical", the
    draws independent. A flip is a permutation P with P^T = P, so dJ/dx = P dJ/dy.

    Args:
        mode: "horizontal", "vertical" or "horizontal_and_vertical".
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> x = np.arange(4.0).reshape(1, 1, 4, 1)
        >>> y = RandomFlip("horizontal", seed=1)(np.repeat(x, 8, axis=0), training=True)
        >>> sorted({tuple(image.ravel().tolist()) for image in y})
        [(0.0, 1.0, 2.0, 3.0), (3.0, 2.0, 1.0, 0.0)]

    References:
        Lecture 003 (data augmentation); Keras ``RandomFlip``.
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.mode = check_choice("RandomFlip", "mode", mode, MODES)
        self.flip_rows = self.flip_cols = None

    def forward(self, x, training=False):
        self.flip_rows = self.flip_cols = None
        if not training:
            return x
        if self.mode != "vertical":
            self.flip_cols = self.rng.random(len(x)) < 0.5
        if self.mode != "horizontal":
            self.flip_rows = self.rng.random(len(x)) < 0.5
        return _flip(_flip(x, self.flip_cols, 2), self.flip_rows, 1)

    def backward(self, dy):
        return _flip(_flip(dy, self.flip_rows, 1), self.flip_cols, 2)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}
