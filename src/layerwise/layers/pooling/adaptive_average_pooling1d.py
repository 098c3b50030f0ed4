"""AdaptiveAveragePooling1D: average pooling of sequences to a fixed number of steps."""

from layerwise.layers.pooling.adaptive_average_pooling2d import AdaptiveAveragePooling2D


class AdaptiveAveragePooling1D(AdaptiveAveragePooling2D):
    """`AdaptiveAveragePooling2D` over the steps of a sequence: y[n, i, c] = the mean of x[n, t, c] for t from
    floor(i L/l) to ceil((i + 1) L/l) - 1.

    Args:
        output_size: l, the number of output steps.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, steps, channels).

    Output shape:
        (batch, l, channels).

    Example:
        >>> import numpy as np
        >>> AdaptiveAveragePooling1D(2)(np.arange(5.0).reshape(1, 5, 1))[0, :, 0]
        array([1., 3.], dtype=float32)
    """

    rank = 1
