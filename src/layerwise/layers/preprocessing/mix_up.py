"""MixUp: training images (and labels) blended with other images of the batch."""

import numpy as np

from layerwise.layers.preprocessing._mixing import MixingLayer


class MixUp(MixingLayer):
    """In training, with λ ~ Beta(α, α) drawn once per batch and π a random permutation of the batch (as Keras):
    y_n = λ x_n + (1 - λ) x_π(n), and labels given with the images, l_n' = λ l_n + (1 - λ) l_π(n).
    dJ/dx_n = λ g_n + (1 - λ) g_π⁻¹(n). The identity at inference (pass ``training=True`` in a data pipeline too:
    unlike Keras's call, whose training defaults to True, every augmentation here is off unless training is True).

    Args:
        alpha: α > 0 of the Beta distribution (default 0.2; small α mixes little).
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels) images, or a dict {"images": images, "labels": (batch, ...) labels}; a dict
        gives a dict back.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> mix = MixUp(alpha=0.2, seed=0)
        >>> images, labels = np.zeros((2, 1, 1, 1)), np.eye(2)
        >>> images[1] = 1.0
        >>> out = mix({"images": images, "labels": labels}, training=True)
        >>> bool(np.allclose(out["images"][:, 0, 0, 0], out["labels"][:, 1]))  # the labels mixed as the images
        True

    References:
        H. Zhang et al., mixup: Beyond Empirical Risk Minimization (ICLR 2018); Keras ``keras.layers.MixUp``.
    """

    def __init__(self, alpha=0.2, seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float, np.integer, np.floating)) or alpha <= 0:
            raise ValueError(f"MixUp: alpha must be a positive number, received {alpha!r}")
        self.alpha = float(alpha)

    def draw(self, x):
        weight = self.rng.beta(self.alpha, self.alpha)
        return np.full((1, 1, 1, 1), weight), np.full(len(x), weight)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}
