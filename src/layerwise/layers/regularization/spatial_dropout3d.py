"""SpatialDropout3D: dropout of whole feature volumes."""

from layerwise.layers.regularization.spatial_dropout2d import SpatialDropout2D


class SpatialDropout3D(SpatialDropout2D):
    """`SpatialDropout2D` for volumes: one draw per sample and channel, m[n, c] ~ Bernoulli(1 - rate),
    y[n, d, h, w, c] = x[n, d, h, w, c] m[n, c] / (1 - rate) in training, y = x in inference.

    Args:
        rate: the fraction of channels to drop, in [0, 1).
        seed: seed of the layer's own random stream (None: the library's generator).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> y = SpatialDropout3D(0.5, seed=1)(np.ones((1, 2, 2, 2, 3)), training=True)
        >>> bool((y == y[:, :1, :1, :1]).all())
        True

    References:
        Tompson et al., "Efficient Object Localization Using Convolutional Networks", CVPR 2015.
    """

    rank = 3
