"""LeakyReLU layer."""

from layerwise.layers.activations._fixed import FixedActivation


class LeakyReLU(FixedActivation):
    """f(x) = x for x > 0, negative_slope * x otherwise; dJ/dx = dJ/dy * (1 or negative_slope).

    Args:
        negative_slope: the leak, >= 0 (Keras's layer default 0.3).
        **kwargs: `Layer` arguments.

    Example:
        >>> import numpy as np
        >>> LeakyReLU(negative_slope=0.5)(np.array([[-2.0, 2.0]]))
        array([[-1.,  2.]], dtype=float32)

    References:
        Maas et al., "Rectifier Nonlinearities Improve Neural Network Acoustic Models", ICML 2013.
        Lectures 001 and 003 (Leaky ReLU); lecture 002 (dead units).
    """

    function_name = "leaky_relu"

    def __init__(self, negative_slope=0.3, **kwargs):
        if negative_slope < 0:
            raise ValueError(f"LeakyReLU: negative_slope must be >= 0, received {negative_slope}")
        super().__init__(negative_slope=float(negative_slope), **kwargs)
