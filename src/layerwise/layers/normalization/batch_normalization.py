"""BatchNormalization: lecture 001's Batch Normalizing Transform, with moving statistics for inference."""

import numpy as np

from layerwise import initializers
from layerwise.layers.normalization._base import Normalization
from layerwise.ops.normalization import (fold_channels, folded_moments, folded_scale_combine,
                                         folded_scale_shift, folded_sum_and_dot, tile)


class BatchNormalization(Normalization):
    """Normalize each feature over the mini-batch, then scale and shift (Ioffe & Szegedy's Algorithm 1).

    Training, for the m = N * H * W ... values x_i of one feature (every axis but ``axis``):
    mu_B = 1/m sum_i x_i, sigma_B^2 = 1/m sum_i (x_i - mu_B)^2, x_hat_i = (x_i - mu_B) / sqrt(sigma_B^2 + eps),
    y_i = gamma x_hat_i + beta; and the moving statistics move towards the batch ones:
    moving_mean <- momentum * moving_mean + (1 - momentum) * mu_B, and the same for moving_variance with the
    biased sigma_B^2 (Keras's convention; PyTorch keeps the unbiased m/(m-1) sigma_B^2 and calls 1 - momentum
    its momentum). Backward, through the batch statistics:
    dJ/dbeta = sum_i dJ/dy_i, dJ/dgamma = sum_i dJ/dy_i x_hat_i,
    dJ/dx_i = gamma / sqrt(sigma_B^2 + eps) * (dJ/dy_i - mean_j dJ/dy_j - x_hat_i mean_j dJ/dy_j x_hat_j).

    Inference (and training of a layer with ``trainable=False``, as Keras 3): x_hat uses moving_mean and
    moving_variance, constants, so dJ/dx_i = gamma dJ/dy_i / sqrt(moving_variance + eps).

    Args:
        axis: the feature axis (-1: the units after Dense, the channels of NHWC images).
        momentum: the moving statistics' decay (Keras's 0.99 is PyTorch's momentum=0.01).
        epsilon: eps (Keras's 1e-3; PyTorch's default is 1e-5).
        center, scale: whether to learn beta and gamma.
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer:
            initializers (zeros, ones, zeros, ones).
        **kwargs: `Layer` arguments.

    Input shape:
        any rank >= 2, (batch, ..., features).

    Output shape:
        the input shape.

    Example:
        >>> import numpy as np
        >>> layer = BatchNormalization()
        >>> y = layer(np.array([[1.0, 2.0], [3.0, 6.0]]), training=True)
        >>> np.round(y, 3)
        array([[-1., -1.],
               [ 1.,  1.]], dtype=float32)
        >>> np.round(layer.moving_mean.value, 3)
        array([0.02, 0.04], dtype=float32)

    References:
        Ioffe & Szegedy, "Batch Normalization: Accelerating Deep Network Training by Reducing Internal
        Covariate Shift", ICML 2015; lecture 001 (Batch Normalizing Transform); lecture 002 (BN at training
        vs test time).
    """

    memory_bound = True

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", **kwargs):
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(f"BatchNormalization: axis must be an int, received {axis!r}")
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"BatchNormalization: momentum must lie in [0, 1), received {momentum!r}")
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer, **kwargs)
        self.momentum = float(momentum)
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer

    def build(self, input_shape):
        (channel_axis,) = self.resolve_axes(len(input_shape))
        self.build_affine(input_shape, (channel_axis,))
        shape = (input_shape[channel_axis],)
        self.moving_mean = self.add_weight("moving_mean", shape, self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape, self.moving_variance_initializer,
                                               trainable=False)

    # Computed on the channels-last input folded by `fold_channels` (other layouts are moved there and back):
    # every per-channel sum and broadcast then runs along rows of about 2048 values.
    def forward(self, x, training=False):
        channel_axis = self.param_axes[0]
        x_last = x if channel_axis == x.ndim - 1 else np.moveaxis(x, channel_axis, -1)
        folded, self.fold = fold_channels(x_last)
        self.count = x.size // x_last.shape[-1]
        self.batch_statistics = bool(training and self.trainable)
        if self.batch_statistics and not self.count:
            raise ValueError(f"BatchNormalization '{self.name}': training needs at least one value per channel "
                             f"to take statistics over, received shape {x.shape}")
        if self.batch_statistics:
            mean, variance = folded_moments(folded, self.fold)
            for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
                moving.value *= self.momentum
                moving.value += (1.0 - self.momentum) * batch
        else:
            mean, variance = self.moving_mean.value, self.moving_variance.value
        # x - mu is kept rather than x_hat, written in the same pass as y = (gamma inv_std) (x - mu) + beta.
        self.inv_std = 1.0 / np.sqrt(variance + self.epsilon)
        self.centered = np.empty_like(folded)
        scale, shift = tile(self._scale(), self.fold), tile(self.beta.value, self.fold) if self.center else None
        y = folded_scale_shift(self.centered, scale, np.empty_like(folded), shift, folded, tile(mean, self.fold))
        y = y.reshape(x_last.shape)
        return y if x_last is x else np.ascontiguousarray(np.moveaxis(y, -1, channel_axis))

    def _scale(self):
        """gamma inv_std per channel (inv_std without scale)."""
        return self.inv_std * self.gamma.value if self.scale else self.inv_std

    def backward(self, dy):
        channel_axis = self.param_axes[0]
        dy_last = dy if channel_axis == dy.ndim - 1 else np.moveaxis(dy, channel_axis, -1)
        folded_dy, _ = fold_channels(dy_last)
        sum_dy, sum_dy_centered = folded_sum_and_dot(folded_dy, self.centered, self.fold)
        sum_dy_x_hat = sum_dy_centered * self.inv_std
        if self.center:
            self.beta.grad += sum_dy
        if self.scale:
            self.gamma.grad += sum_dy_x_hat
        scale = self._scale()
        statistics = {}
        if self.batch_statistics:
            # dJ/dx = gamma inv_std (dJ/dy - mean dJ/dy - x_hat mean(dJ/dy x_hat))
            #       = s dJ/dy + (-s inv_std^2 / m sum dJ/dy (x - mu)) (x - mu) - s / m sum dJ/dy, the sums reused.
            statistics = {"centered": self.centered,
                          "on_centered": tile(sum_dy_x_hat * (-self.inv_std / self.count) * scale, self.fold),
                          "constant": tile(sum_dy * (-1.0 / self.count) * scale, self.fold)}
        dx = folded_scale_combine(folded_dy, tile(scale, self.fold), np.empty_like(folded_dy), **statistics)
        dx = dx.reshape(dy_last.shape)
        return dx if dy_last is dy else np.ascontiguousarray(np.moveaxis(dx, -1, channel_axis))

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum,
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer)}
