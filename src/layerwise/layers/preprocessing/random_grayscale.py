"""RandomGrayscale: training images turned grey at random."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer

#: The luma weights of ITU-R BT.601 that Keras (and tf.image.rgb_to_grayscale) uses.
RGB_WEIGHTS = np.array([0.2989, 0.5870, 0.1140])


class RandomGrayscale(RandomLayer):
    """In training, each image is replaced, with probability ``factor``, by its grey level g = 0.2989 R + 0.5870 G +
    0.1140 B in every channel (as Keras); dJ/dx_c = w_c sum_c' dJ/dy_c' on those images, dJ/dy elsewhere. The identity
    at inference.

    Args:
        factor: the probability in [0, 1] (default 0.5).
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, 3) (RGB), or 1 channel (left as is).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> y = RandomGrayscale(factor=1.0, seed=0)(np.array([[[[1.0, 0.0, 0.0]]]]), training=True)
        >>> y[0, 0, 0]
        array([0.2989, 0.2989, 0.2989], dtype=float32)
    """

    def __init__(self, factor=0.5, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale: factor must lie in [0, 1], received {factor!r}")
        self.factor = float(factor)
        self.grey = None

    def build(self, input_shape):
        super().build(input_shape)
        if input_shape[-1] not in (1, 3):
            raise ValueError(f"Layer '{self.name}' (RandomGrayscale) expects 1 or 3 channels, received "
                             f"{tuple(input_shape)}")

    def forward(self, x, training=False):
        self.grey = None
        if not training or x.shape[-1] == 1:
            return x
        self.grey = (self.rng.uniform(size=len(x)) < self.factor)[:, None, None, None]
        level = (x @ RGB_WEIGHTS.astype(x.dtype))[..., None]
        return np.where(self.grey, level, x).astype(x.dtype, copy=False)

    def backward(self, dy):
        if self.grey is None:
            return dy
        spread = dy.sum(axis=-1, keepdims=True) * RGB_WEIGHTS.astype(dy.dtype)
        return np.where(self.grey, spread, dy).astype(dy.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
