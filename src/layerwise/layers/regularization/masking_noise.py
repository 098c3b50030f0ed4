"""MaskingNoise: the denoising autoencoder's corruption, a random fraction of the inputs set to zero."""

import numpy as np

from layerwise.layers.regularization._stochastic import _MultiplicativeNoise


class MaskingNoise(_MultiplicativeNoise):
    """y = x ⊙ m with m_i ~ Bernoulli(1 - ν) drawn afresh in each training pass; y = x at inference.

    Unlike `Dropout`, nothing is rescaled: a corrupted input x̃ keeps the surviving values as they were,
    which is the masking corruption q_D(x̃ | x) of the denoising autoencoder (a fraction ν of the
    components "destroyed" by setting them to 0). Backward: dJ/dx = dJ/dy ⊙ m.

    Args:
        rate: ν in [0, 1), the corruption level (the probability of masking a component).
        seed: seed of the layer's own generator (default: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = MaskingNoise(0.5, seed=0)
        >>> sorted(set(layer(np.full((4, 8), 3.0), training=True).ravel().tolist()))
        [0.0, 3.0]
        >>> layer(np.full((1, 8), 3.0))[0, :3]
        array([3., 3., 3.], dtype=float32)

    References:
        Vincent et al., "Extracting and Composing Robust Features with Denoising Autoencoders", ICML 2008;
        lecture 002 (stacked denoising autoencoders).
    """

    def draw(self, shape, dtype):
        return np.greater_equal(self.generator().random(shape, dtype=dtype), self.rate).astype(dtype)
