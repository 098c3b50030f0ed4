"""GroupNormalization and InstanceNormalization: standardize each sample over groups of channels."""

from layerwise.layers.normalization._base import Normalization
from layerwise.ops.normalization import standardize, standardize_backward
from layerwise.utils._arguments import is_integer


class GroupNormalization(Normalization):
    """Split the channels into G groups and normalize each sample's group, then scale and shift per channel.

    With channels on ``axis`` (moved last) reshaped as (G, C/G): for sample n and group g, over the m values
    of the group's channels at every position, mu_ng = 1/m sum x, sigma_ng^2 = 1/m sum (x - mu_ng)^2,
    x_hat = (x - mu_ng) / sqrt(sigma_ng^2 + eps), y = gamma_c x_hat + beta_c. G = 1 is layer normalization
    over all features, G = C is instance normalization. The backward pass is `LayerNormalization`'s within
    each group.

    Args:
        groups: G, a divisor of the channel count, or -1 for one group per channel.
        axis: the channel axis (-1: NHWC).
        epsilon, center, scale, beta_initializer, gamma_initializer: as `BatchNormalization`.
        **kwargs: `Layer` arguments.

    Input shape:
        any rank >= 2, with a channel count divisible by ``groups``.

    Output shape:
        the input shape.

    Example:
        >>> import numpy as np
        >>> layer = GroupNormalization(groups=2)
        >>> np.round(layer(np.array([[1.0, 3.0, 0.0, 4.0]])), 3)
        array([[-1.,  1., -1.,  1.]], dtype=float32)

    References:
        Wu & He, "Group Normalization", ECCV 2018; lecture 001 (batch, layer and instance normalization).
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", **kwargs):
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(f"{type(self).__name__}: axis must be an int, received {axis!r}")
        if not (is_integer(groups) or groups == -1):
            raise ValueError(f"{type(self).__name__}: groups must be a positive int or -1, received {groups!r}")
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer, **kwargs)
        self.groups = groups

    def build(self, input_shape):
        (channel_axis,) = self.resolve_axes(len(input_shape))
        channels = input_shape[channel_axis]
        self.group_count = channels if self.groups == -1 else self.groups
        if channels % self.group_count:
            raise ValueError(f"{type(self).__name__} '{self.name}': {channels} channels cannot be split into "
                             f"groups={self.groups} groups of equal size")
        self.build_affine(input_shape, (channel_axis,))

    def _grouped(self, x):
        """x with channels last, reshaped to (..., G, C/G), and the axes of each group's statistics."""
        x = x.swapaxes(self.param_axes[0], -1)
        grouped = x.reshape(x.shape[:-1] + (self.group_count, -1))
        return grouped, tuple(range(1, grouped.ndim - 2)) + (grouped.ndim - 1,)

    def _ungrouped(self, grouped, shape):
        swapped = list(shape)
        swapped[self.param_axes[0]], swapped[-1] = swapped[-1], swapped[self.param_axes[0]]
        return grouped.reshape(swapped).swapaxes(self.param_axes[0], -1)

    def normalize(self, x, training):
        grouped, self.group_axes = self._grouped(x)
        x_hat, _, _, self.inv_std = standardize(grouped, self.group_axes, self.epsilon)
        self.grouped_x_hat = x_hat
        return self._ungrouped(x_hat, x.shape)

    def normalize_backward(self, dx_hat):
        grouped, _ = self._grouped(dx_hat)
        dx = standardize_backward(grouped, self.grouped_x_hat, self.inv_std, self.group_axes)
        return self._ungrouped(dx, dx_hat.shape)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups}


class InstanceNormalization(GroupNormalization):
    """Normalize each sample's channel over its positions: `GroupNormalization` with one group per channel.

    y = gamma_c (x - mu_nc) / sqrt(sigma_nc^2 + eps) + beta_c, with mu_nc and sigma_nc^2 over the spatial
    positions of channel c in sample n (Ulyanov et al.; PyTorch's InstanceNorm2d with affine=True).

    Args:
        axis, epsilon, center, scale, beta_initializer, gamma_initializer: as `GroupNormalization`.
        **kwargs: `Layer` arguments.

    Input shape:
        rank >= 3, (batch, ..., channels) (a rank-2 input would normalize single values).

    Output shape:
        the input shape.

    Example:
        >>> import numpy as np
        >>> x = np.array([[[1.0, 0.0], [3.0, 4.0]]])
        >>> np.round(InstanceNormalization()(x), 3)
        array([[[-1., -1.],
                [ 1.,  1.]]], dtype=float32)

    References:
        Ulyanov, Vedaldi & Lempitsky, "Instance Normalization", 2016; lecture 001 (normalization variants).
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", **kwargs):
        super().__init__(-1, axis, epsilon, center, scale, beta_initializer, gamma_initializer, **kwargs)

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"InstanceNormalization '{self.name}': needs inputs of rank >= 3 "
                             f"(batch, ..., channels), received rank {len(input_shape)}")
        super().build(input_shape)

    def get_config(self):
        config = super().get_config()
        del config["groups"]
        return config
