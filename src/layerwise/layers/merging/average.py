"""Average: the element-wise mean."""

from layerwise.layers.merging._merge import Merge, functional_form


class Average(Merge):
    """y = (x_1 + ... + x_k) / k; dJ/dx_i = dJ/dy / k.

    Input shape:
        a list of k >= 2 tensors of one shape.

    Output shape:
        that shape.

    Example:
        >>> import numpy as np
        >>> Average()([np.ones((1, 2)), np.full((1, 2), 3.0)])
        array([[2., 2.]], dtype=float32)

    References:
        Keras ``keras.layers.Average``; lecture 003 (averaging an ensemble's outputs).
    """

    def forward(self, inputs, training=False):
        self.count = len(inputs)
        y = inputs[0] + inputs[1]
        for x in inputs[2:]:
            y += x
        y *= 1.0 / self.count
        return y

    def backward(self, dy):
        return [dy * (1.0 / self.count)] * self.count


average = functional_form(Average, "[[2.0, -1.0]]")
