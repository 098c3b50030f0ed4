"""ELU layer."""

from layerwise.layers.activations._fixed import FixedActivation


class ELU(FixedActivation):
    """f(x) = x for x > 0, alpha (exp(x) - 1) otherwise; dJ/dx = dJ/dy * (1 or f(x) + alpha).

    Args:
        alpha: the negative saturation value (default 1.0).
        **kwargs: `Layer` arguments.

    Example:
        >>> import numpy as np
        >>> ELU()(np.array([[0.0, 1.0]]))
        array([[0., 1.]], dtype=float32)

    References:
        Clevert et al., "Fast and Accurate Deep Network Learning by Exponential Linear Units", 2016.
    """

    function_name = "elu"

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(alpha=float(alpha), **kwargs)
