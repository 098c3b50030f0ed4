"""AdaptiveMaxPooling3D: max pooling of volumes to a fixed output size."""

from layerwise.layers.pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D


class AdaptiveMaxPooling3D(AdaptiveMaxPooling2D):
    """`AdaptiveMaxPooling2D` over the three spatial axes of a volume: y[n, i, j, k, c] = the maximum of x over
    depths floor(i D/d) .. ceil((i + 1) D/d) - 1 and the rows and columns alike, one axis at a time; dJ/dx routes
    dJ/dy to the entry that held each maximum.

    Args:
        output_size: (d, h, w) or one int.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, d, h, w, channels).

    Example:
        >>> import numpy as np
        >>> AdaptiveMaxPooling3D((1, 1, 2))(np.arange(12.0).reshape(1, 2, 2, 3, 1))[0, :, :, :, 0]
        array([[[10., 11.]]], dtype=float32)

    References:
        Keras ``keras.layers.AdaptiveMaxPooling3D``; PyTorch ``nn.AdaptiveMaxPool3d``.
    """

    rank = 3
