"""RandomGaussianBlur: training images blurred by a Gaussian of random width."""

import numpy as np

from layerwise.layers.preprocessing._augmentation import RandomLayer, config_factor, unit_range
from layerwise.layers.preprocessing._value_range import check_value_range
from layerwise.ops.filters import gaussian_kernels, separable_filter, separable_filter_backward


def _odd_sizes(kernel_size):
    """``kernel_size`` as (rows, columns) of odd positive sizes, else a ValueError."""
    sizes = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else tuple(kernel_size)
    if len(sizes) != 2 or not all(isinstance(s, (int, np.integer)) and s > 0 and s % 2 == 1 for s in sizes):
        raise ValueError(f"RandomGaussianBlur: kernel_size must be an odd positive integer or a pair of them, "
                         f"received {kernel_size!r}")
    return tuple(int(s) for s in sizes)


class RandomGaussianBlur(RandomLayer):
    """In training, each image is blurred with probability p_n ~ U[lower, upper] of ``factor`` (Keras's coin: blurred
    where u_n ~ U(0, 1) < p_n) by the separable Gaussian G = g_y g_xᵀ, g(t) ∝ exp(-t² / 2σ²) over the kernel's
    offsets, with σ_x, σ_y ~ U(sigma) + 1e-6 per image, zeros outside the image (padding "same"):
    y = clip(B_n x, low, high) on blurred images, clip(x) elsewhere. The blur is linear and symmetric, so
    dJ/dx = B_n(m dJ/dy) there (m: the entries left unclipped). The identity at inference.

    Keras draws one (σ_x, σ_y) per batch and bounds sigma by 1; here each image draws its own (as Keras's docstring
    says) and sigma may exceed 1.

    Args:
        factor: the probability's range: a number f in [0, 1] ((0, f)) or a pair within [0, 1] (default 1.0).
        kernel_size: an odd size, or a pair (rows, columns) of them (default 3).
        sigma: σ's range: a number s >= 0 ((0, s)) or a pair (default 1.0).
        value_range: (low, high), (0, 255) for raw pixels.
        seed: seed of this layer's generator ``self.rng`` (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = RandomGaussianBlur((1.0, 1.0), sigma=(1.0, 1.0), value_range=(0, 1), seed=0)
        >>> x = np.zeros((1, 3, 3, 1)); x[0, 1, 1, 0] = 1.0
        >>> np.round(layer(x, training=True)[0, :, :, 0], 4)  # the kernel itself, exp(-1/2) relative weights
        array([[0.0751, 0.1238, 0.0751],
               [0.1238, 0.2042, 0.1238],
               [0.0751, 0.1238, 0.0751]], dtype=float32)

    References:
        Keras ``keras.layers.RandomGaussianBlur``; lecture 003 (data augmentation).
    """

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(seed=seed, **kwargs)
        self.factor, self.probability_range = factor, unit_range("RandomGaussianBlur", "factor", factor)
        self.kernel_size, self.sizes = kernel_size, _odd_sizes(kernel_size)
        self.sigma, self.sigma_range = sigma, unit_range("RandomGaussianBlur", "sigma", sigma, bounds=(0, np.inf))
        self.value_range = check_value_range("RandomGaussianBlur", value_range)
        self.blurred = None

    def forward(self, x, training=False):
        self.blurred = None
        if not training:
            return x
        self.blurred = self.draw_applied(len(x), self.probability_range)[:, None, None, None]
        sigmas = self.rng.uniform(*self.sigma_range, size=(len(x), 2)) + 1e-6
        self.kernels = gaussian_kernels(self.sizes[0], sigmas[:, 1]), gaussian_kernels(self.sizes[1], sigmas[:, 0])
        y = np.where(self.blurred, separable_filter(x, *self.kernels), x)
        self.unclipped = (y > self.value_range[0]) & (y < self.value_range[1])
        return np.clip(y, *self.value_range, out=y)

    def backward(self, dy):
        if self.blurred is None:
            return dy
        kept = dy * self.unclipped
        return np.where(self.blurred, separable_filter_backward(kept, *self.kernels), kept)

    def get_config(self):
        return {**super().get_config(), "factor": config_factor(self.factor),
                "kernel_size": config_factor(self.kernel_size), "sigma": config_factor(self.sigma),
                "value_range": list(self.value_range)}
