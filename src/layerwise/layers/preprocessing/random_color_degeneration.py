"""RandomColorDegeneration: training images blended towards their grey level by a random factor."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, factor_range
from layerwise.layers.preprocessing._value_range import check_value_range
from layerwise.layers.preprocessing.random_grayscale import RGB_WEIGHTS


class RandomColorDegeneration(RandomLayer):
    """In training, y = clip(x + a_n (g - x), low, high) with g the grey level 0.2989 R + 0.5870 G + 0.1140 B of each
    pixel and a_n ~ U[lower, upper] per image (a > 0 desaturates, a < 0 saturates), as Keras. With m the entries left
    unclipped: dJ/dx_c = (1 - a) m_c dJ/dy_c + a w_c sum_c' m_c' dJ/dy_c'. The identity at inference.

    Args:
        factor: a number f in [0, 1] (a in [-f, f]) or a pair within [-1, 1].
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, 3).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = RandomColorDegeneration((1.0, 1.0), value_range=(0, 1), seed=0)
        >>> layer(np.array([[[[1.0, 0.0, 0.0]]]]), training=True)[0, 0, 0]
        array([0.2989, 0.2989, 0.2989], dtype=float32)
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor = factor
        self.blend_range = factor_range("RandomColorDegeneration", "factor", factor, symmetric_bound=1)
        self.value_range = check_value_range("RandomColorDegeneration", value_range)
        self.blend = None

    def build(self, input_shape):
        super().build(input_shape)
        if input_shape[-1] != 3:
            raise ValueError(f"Layer '{self.name}' (RandomColorDegeneration) expects RGB images of 3 channels, "
                             f"received {tuple(input_shape)}")

    def forward(self, x, training=False):
        self.blend = None
        if not training:
            return x
        self.blend = self.rng.uniform(*self.blend_range, size=(len(x), 1, 1, 1)).astype(x.dtype)
        grey = (x @ RGB_WEIGHTS.astype(x.dtype))[..., None]
        z = x + self.blend * (grey - x)
        self.unclipped = (z > self.value_range[0]) & (z < self.value_range[1])
        return np.clip(z, *self.value_range, out=z)

    def backward(self, dy):
        if self.blend is None:
            return dy
        kept = dy * self.unclipped
        return (1 - self.blend) * kept + self.blend * kept.sum(axis=-1, keepdims=True) * RGB_WEIGHTS.astype(dy.dtype)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor), "value_range": list(self.value_range)}
