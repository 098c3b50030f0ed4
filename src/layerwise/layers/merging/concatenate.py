"""Concatenate: join tensors along one axis."""

import numpy as np

from layerwise.layers.base import format_shape
from layerwise.layers.merging._merge import Merge, functional_form


class Concatenate(Merge):
    """y = [x_1, ..., x_k] joined along ``axis``; dJ/dx_i is dJ/dy's slice of x_i's extent on that axis.

    Args:
        axis: the axis to join on (not the batch axis); -1 by default.
        **kwargs: `Layer` arguments.

    Input shape:
        a list of k >= 2 tensors whose shapes agree except on ``axis``.

    Output shape:
        that shape, with the sizes on ``axis`` summed.

    Example:
        >>> import numpy as np
        >>> Concatenate()([np.ones((2, 3)), np.zeros((2, 1))]).shape
        (2, 4)

    References:
        Keras ``keras.layers.Concatenate``; Szegedy et al., "Going Deeper with Convolutions" (Inception).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(f"Concatenate: axis must be an int, received {axis!r}")
        self.axis = axis

    def _axis(self, ndim):
        axis = self.axis % ndim if -ndim <= self.axis < ndim else None
        if not axis:
            raise ValueError(f"Layer '{self.name}' (Concatenate): axis {self.axis} is invalid for inputs of "
                             f"rank {ndim} (the batch axis 0 cannot be joined on)")
        return axis

    def check_shapes(self, shapes):
        axis = self._axis(len(shapes[0]))
        if any(len(s) != len(shapes[0]) or s[:axis] + s[axis + 1:] != shapes[0][:axis] + shapes[0][axis + 1:]
               for s in shapes):
            raise ValueError(f"Layer '{self.name}' (Concatenate): shapes must agree except on axis {self.axis}, "
                             f"received {', '.join(format_shape(s) for s in shapes)}")

    def compute_output_shape(self, input_shapes):
        axis = self._axis(len(input_shapes[0]))
        shape = list(input_shapes[0])
        shape[axis] = sum(s[axis] for s in input_shapes)
        return tuple(shape)

    def forward(self, inputs, training=False):
        axis = self._axis(inputs[0].ndim)
        self.boundaries = np.cumsum([x.shape[axis] for x in inputs])[:-1]
        return np.concatenate(inputs, axis=axis)

    def backward(self, dy):
        return np.split(dy, self.boundaries, axis=self._axis(dy.ndim))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


concatenate = functional_form(Concatenate, "[[1.0, 2.0, 3.0, -4.0]]")
