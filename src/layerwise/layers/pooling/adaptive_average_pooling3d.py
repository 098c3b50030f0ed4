"""AdaptiveAveragePooling3D: average pooling of volumes to a fixed output size."""

from layerwise.layers.pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D


class AdaptiveAveragePooling3D(AdaptiveAveragePooling2D):
    """`AdaptiveAveragePooling2D` over the three spatial axes of a volume: y[n, i, j, k, c] = the mean of x over
    depths floor(i D/d) .. ceil((i + 1) D/d) - 1 and the rows and columns alike, computed as one averaging matrix
    per axis; dJ/dx applies their transposes to dJ/dy.

    Args:
        output_size: (d, h, w) or one int.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, depth, height, width, channels).

    Output shape:
        (batch, d, h, w, channels).

    Example:
        >>> import numpy as np
        >>> AdaptiveAveragePooling3D((1, 1, 2))(np.arange(12.0).reshape(1, 2, 2, 3, 1))[0, :, :, :, 0]
        array([[[5., 6.]]], dtype=float32)

    References:
        Keras ``keras.layers.AdaptiveAveragePooling3D``; PyTorch ``nn.AdaptiveAvgPool3d``.
    """

    rank = 3
