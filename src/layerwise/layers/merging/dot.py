"""Dot: the dot product of two tensors along an axis of each, sample by sample."""

import numpy as np

from layerwise.layers.base import format_shape
from layerwise.layers.merging._merge import Merge, functional_form
from layerwise.ops.l2_normalize import l2_normalize, l2_normalize_backward


class Dot(Merge):
    """y_b = sum_k a_b[..., k, ...] b_b[..., k, ...]: the two inputs contracted along ``axes``, per sample b.

    With the contracted axes moved last, a of shape (N, P, n) and b of shape (N, Q, n) (P and Q: the
    remaining axes, flattened) give y = a bᵀ of shape (N, P, Q), reshaped to (N, *P, *Q), or (N, 1) when
    both inputs are (N, n). dJ/da = dJ/dy b and dJ/db = dJ/dyᵀ a. With ``normalize=True`` each input is first
    scaled to unit L2 norm along its axis, so y is the cosine similarity.

    Args:
        axes: the axis of both inputs, or a pair (axis of the first, axis of the second); not the batch axis.
        normalize: L2-normalize both inputs along their axes first.
        **kwargs: `Layer` arguments.

    Input shape:
        a list of two tensors whose sizes on their ``axes`` agree.

    Output shape:
        (N, remaining axes of the first, remaining axes of the second), or (N, 1).

    Example:
        >>> import numpy as np
        >>> Dot(axes=1)([np.array([[1.0, 2.0]]), np.array([[3.0, 4.0]])])
        array([[11.]], dtype=float32)

    References:
        Keras ``keras.layers.Dot``.
    """

    min_inputs = max_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = list(axes) if isinstance(axes, (list, tuple)) else [axes, axes]
        if len(pair) != 2 or not all(isinstance(a, int) and not isinstance(a, bool) for a in pair):
            raise ValueError(f"Dot: axes must be an int or a pair of ints, received {axes!r}")
        self.axes, self.normalize = axes if isinstance(axes, int) else pair, bool(normalize)

    def _axes(self, shapes):
        pair = [self.axes] * 2 if isinstance(self.axes, int) else self.axes
        axes = [a % len(s) if -len(s) <= a < len(s) else 0 for a, s in zip(pair, shapes)]
        if 0 in axes:
            raise ValueError(f"Layer '{self.name}' (Dot): axes {self.axes} are invalid for inputs of shapes "
                             f"{', '.join(format_shape(s) for s in shapes)} (the batch axis 0 cannot be contracted)")
        return axes

    def check_shapes(self, shapes):
        first, second = self._axes(shapes)
        if shapes[0][first] != shapes[1][second]:
            raise ValueError(f"Layer '{self.name}' (Dot): the sizes on axes {self.axes} differ, received "
                             f"{', '.join(format_shape(s) for s in shapes)}")

    def compute_output_shape(self, input_shapes):
        first, second = self._axes(input_shapes)
        rest = [tuple(s[1:a] + s[a + 1:]) for s, a in zip(input_shapes, (first, second))]
        return (input_shapes[0][0], *rest[0], *rest[1]) if rest[0] + rest[1] else (input_shapes[0][0], 1)

    def forward(self, inputs, training=False):
        self.contracted = self._axes([x.shape for x in inputs])
        moved = [np.moveaxis(x, a, -1) for x, a in zip(inputs, self.contracted)]
        if self.normalize:
            moved, self.norms = zip(*(l2_normalize(x) for x in moved))
        self.moved_shapes = [x.shape for x in moved]
        self.a, self.b = (x.reshape(len(x), -1, x.shape[-1]) for x in moved)
        y = np.matmul(self.a, self.b.transpose(0, 2, 1))
        return y.reshape(self.compute_output_shape([x.shape for x in inputs]))

    def backward(self, dy):
        dy = dy.reshape(len(dy), self.a.shape[1], self.b.shape[1])
        grads = [np.matmul(dy, self.b), np.matmul(dy.transpose(0, 2, 1), self.a)]
        grads = [g.reshape(shape) for g, shape in zip(grads, self.moved_shapes)]
        if self.normalize:
            grads = [l2_normalize_backward(g, y.reshape(shape), norms)
                     for g, y, shape, norms in zip(grads, (self.a, self.b), self.moved_shapes, self.norms)]
        return [np.moveaxis(g, -1, a) for g, a in zip(grads, self.contracted)]

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


dot = functional_form(Dot, "[[-5.0]]", ", axes=1")
