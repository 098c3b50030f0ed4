"""Add: the element-wise sum, the merge of a residual block."""

import numpy as np

from layerwise.layers.merging._merge import Merge, functional_form
from layerwise.ops.elementwise import sum_into


class Add(Merge):
    """y = x_1 + ... + x_k; dJ/dx_i = dJ/dy (the gradient flows unchanged into every branch).

    A residual block's output x_{l+1} = x_l + F(x_l) is ``Add()([x, F(x)])`` (lecture 001: "Residual
    Network ... dE/dx_l = dE/dx_L (1 + d/dx_l sum F_i) ... no vanishing").

    Input shape:
        a list of k >= 2 tensors of one shape.

    Output shape:
        that shape.

    Example:
        >>> import numpy as np
        >>> Add()([np.ones((1, 2)), np.full((1, 2), 2.0)])
        array([[3., 3.]], dtype=float32)

    References:
        He et al., "Deep Residual Learning for Image Recognition", CVPR 2016; lectures 000 and 001 (ResNet).
    """

    def forward(self, inputs, training=False):
        self.count = len(inputs)
        y = np.empty(np.broadcast_shapes(*(x.shape for x in inputs)), np.result_type(*inputs))
        return sum_into(y, inputs)

    def backward(self, dy):
        return [dy] * self.count


add = functional_form(Add, "[[4.0, -2.0]]")
