"""LayerNormalization: standardize each sample over its features."""

from layerwise.layers.normalization._base import Normalization
from layerwise.ops.normalization import standardize, standardize_backward


class LayerNormalization(Normalization):
    """Normalize each sample over the ``axis`` features, then scale and shift (Ba et al., 2016).

    For one sample, over its m values x_j along ``axis``: mu = 1/m sum_j x_j,
    sigma^2 = 1/m sum_j (x_j - mu)^2, x_hat_j = (x_j - mu) / sqrt(sigma^2 + eps), y_j = gamma_j x_hat_j + beta_j.
    The statistics are per sample, so training and inference behave alike. Backward:
    dJ/dbeta = sum_n dJ/dy, dJ/dgamma = sum_n dJ/dy x_hat, and with g = gamma dJ/dy,
    dJ/dx_j = (g_j - mean_k g_k - x_hat_j mean_k g_k x_hat_k) / sqrt(sigma^2 + eps).

    Args:
        axis: the axis or axes to normalize over (and of gamma, beta); -1 by default.
        epsilon, center, scale, beta_initializer, gamma_initializer: as `BatchNormalization`.
        **kwargs: `Layer` arguments.

    Input shape:
        any rank >= 2.

    Output shape:
        the input shape.

    Example:
        >>> import numpy as np
        >>> np.round(LayerNormalization()(np.array([[1.0, 3.0], [0.0, 10.0]])), 3)
        array([[-1.,  1.],
               [-1.,  1.]], dtype=float32)

    References:
        Ba, Kiros & Hinton, "Layer Normalization", 2016; lecture 001 (normalization variants).
    """

    def build(self, input_shape):
        self.build_affine(input_shape, self.resolve_axes(len(input_shape)))

    def normalize(self, x, training):
        x_hat, _, _, self.inv_std = standardize(x, self.param_axes, self.epsilon)
        return x_hat

    def normalize_backward(self, dx_hat):
        return standardize_backward(dx_hat, self.x_hat, self.inv_std, self.param_axes)
