"""ReLU: the rectified linear unit layer with Keras's options."""

import numpy as np

from layerwise.layers.base import Layer


class ReLU(Layer):
    """Rectified linear unit with optional cap, leak and threshold (Keras's `ReLU` layer).

    f(x) = max_value                          for x >= max_value,
           x                                  for threshold <= x < max_value,
           negative_slope * (x - threshold)   otherwise.
    dJ/dx = dJ/dy on the middle piece, negative_slope * dJ/dy below it, 0 above it.

    Args:
        max_value: the cap (None: no cap).
        negative_slope: slope below the threshold (0: the plain rectifier).
        threshold: where the function starts to pass x through.
        **kwargs: `Layer` arguments.

    Example:
        >>> import numpy as np
        >>> ReLU(max_value=6.0)(np.array([[-1.0, 3.0, 9.0]]))
        array([[0., 3., 6.]], dtype=float32)

    References:
        Lecture 003 (ReLU and its variants); lecture 004 (the rectifier).
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        if max_value is not None and max_value < 0:
            raise ValueError(f"ReLU: max_value must be >= 0, received {max_value}")
        if negative_slope < 0:
            raise ValueError(f"ReLU: negative_slope must be >= 0, received {negative_slope}")
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope, self.threshold = float(negative_slope), float(threshold)

    def forward(self, x, training=False):
        self.below = x < self.threshold
        self.middle = ~self.below
        # A zero slope must give +0.0: (x - threshold) * 0 keeps the sign of a negative x (-0.0).
        leak = (x - self.threshold) * self.negative_slope if self.negative_slope else 0.0
        y = np.where(self.below, leak, x)
        if self.max_value is not None:
            self.middle &= x < self.max_value
            y = np.minimum(y, self.max_value)
        return y.astype(x.dtype, copy=False)

    def backward(self, dy):
        # Multiplying by the masks keeps dy's dtype; a slope array of Python floats was float64, and 20x slower.
        dx = dy * self.middle
        if self.negative_slope:
            dx += (dy * self.below) * self.negative_slope
        return dx

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}
