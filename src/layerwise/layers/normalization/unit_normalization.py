"""UnitNormalization: every vector along an axis scaled to unit L2 norm."""

from layerwise.layers.base import Layer
from layerwise.ops.l2_normalize import l2_normalize, l2_normalize_backward


class UnitNormalization(Layer):
    """y = x / sqrt(max(sum_axis x^2, 1e-12)); dJ/dx = (dJ/dy - y sum_axis(y dJ/dy)) / ||x||
    (`layerwise.ops.l2_normalize`).

    Args:
        axis: the axis (or list of axes) of the vectors (default -1); not the batch axis.
        **kwargs: `Layer` arguments.

    Input shape:
        Any.

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> UnitNormalization()(np.array([[3.0, 4.0]]))
        array([[0.6, 0.8]], dtype=float32)

    References:
        Keras ``keras.layers.UnitNormalization``.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, list) else [axis]
        if not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise ValueError(f"UnitNormalization: axis must be an int or a list of ints, received {axis!r}")
        self.axis = axis

    def _axes(self):
        return tuple(self.axis) if isinstance(self.axis, list) else self.axis

    def forward(self, x, training=False):
        self.y, self.norms = l2_normalize(x, self._axes())
        return self.y

    def backward(self, dy):
        return l2_normalize_backward(dy, self.y, self.norms, self._axes())

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
