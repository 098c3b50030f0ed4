"""CutMix: a random box of each training image replaced by the same box of another image of the batch."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import config_factor, random_boxes, unit_range
from layerwise.layers.preprocessing._mixing import MixingLayer


class CutMix(MixingLayer):
    """In training, as Keras: a ~ U(factor) + 1e-6 once per batch, λ_n ~ Beta(a, a) per image, and the box of sides
    sqrt(1 - λ_n) W and sqrt(1 - λ_n) H, its corner uniform inside the image, is pasted from image π(n) of a random
    permutation π: y_n = x_π(n) inside the box, x_n outside. Labels given with the images mix by the box's area,
    l_n' = μ_n l_n + (1 - μ_n) l_π(n), μ_n = 1 - box area / (H W). dJ/dx_n = g_n outside its box, plus g_m inside
    the box of the image m = π⁻¹(n) it was pasted into. The identity at inference (pass ``training=True`` in a data
    pipeline too: unlike Keras's call, every augmentation here is off unless training is True).

    Args:
        factor: the range of the Beta parameter: a number f in [0, 1] ((0, f)) or a pair within [0, 1] (default 1).
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels) images, or a dict {"images": images, "labels": (batch, ...) labels}; a dict
        gives a dict back.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> images = np.stack([np.zeros((4, 4, 1)), np.ones((4, 4, 1))])
        >>> out = CutMix(seed=0)({"images": images, "labels": np.eye(2)}, training=True)
        >>> bool(np.all((out["images"] == 0) | (out["images"] == 1)))  # pixels pasted whole
        True

    References:
        S. Yun et al., CutMix: Regularization Strategy to Train Strong Classifiers with Localizable Features
        (ICCV 2019); Keras ``keras.layers.CutMix``.
    """

    def __init__(self, factor=1.0, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.alpha_range = factor, unit_range("CutMix", "factor", factor)

    def draw(self, x):
        count, height, width = x.shape[:3]
        alpha = self.rng.uniform(*self.alpha_range) + 1e-6
        sides = np.sqrt(1 - self.rng.beta(alpha, alpha, size=count))[:, None] * [width, height]
        return ~random_boxes(self.rng, sides, height, width), 1 - sides.prod(axis=1) / (height * width)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor)}
