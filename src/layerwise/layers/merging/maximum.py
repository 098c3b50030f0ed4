"""Maximum: the element-wise maximum."""

import numpy as np

from layerwise.layers.merging._merge import Selection, functional_form


class Maximum(Selection):
    """y = max(x_1, ..., x_k) element-wise; dJ/dx_i = dJ/dy where x_i is the (first) largest, else 0.

    Input shape:
        a list of k >= 2 tensors of one shape.

    Output shape:
        that shape.

    Example:
        >>> import numpy as np
        >>> Maximum()([np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])])
        array([[3., 5.]], dtype=float32)

    References:
        Keras ``keras.layers.Maximum``; Goodfellow et al., "Maxout Networks", 2013.
    """

    choose = staticmethod(np.argmax)


maximum = functional_form(Maximum, "[[3.0, 2.0]]")
