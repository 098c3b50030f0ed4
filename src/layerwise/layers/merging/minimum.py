"""Minimum: the element-wise minimum."""

import numpy as np

from layerwise.layers.merging._merge import Selection, functional_form


class Minimum(Selection):
    """y = min(x_1, ..., x_k) element-wise; dJ/dx_i = dJ/dy where x_i is the (first) smallest, else 0.

    Input shape:
        a list of k >= 2 tensors of one shape.

    Output shape:
        that shape.

    Example:
        >>> import numpy as np
        >>> Minimum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
        array([[1., 2.]], dtype=float32)

    References:
        Keras ``keras.layers.Minimum``.
    """

    choose = staticmethod(np.argmin)


minimum = functional_form(Minimum, "[[1.0, -4.0]]")
