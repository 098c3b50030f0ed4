"""AdaptiveMaxPooling1D: max pooling of sequences to a fixed number of steps."""

from layerwise.layers.pooling.adaptive_max_pooling2d import AdaptiveMaxPooling2D


class AdaptiveMaxPooling1D(AdaptiveMaxPooling2D):
    """`AdaptiveMaxPooling2D` over the steps of a sequence: y[n, i, c] = the maximum of x[n, t, c] for t from
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
        >>> AdaptiveMaxPooling1D(2)(np.array([[[1.0], [5.0], [2.0], [0.0], [3.0]]]))[0, :, 0]
        array([5., 3.], dtype=float32)
    """

    rank = 1
