"""The base of the merging layers: a layer called on a list of tensors, returning one."""

import numpy as np

from layerwise.layers.base import Layer, format_shape


class Merge(Layer):
    """A layer y = f(x_1, ..., x_k) of k >= 2 inputs, given as a list; `backward(dy)` returns the list
    [dJ/dx_1, ..., dJ/dx_k] (entries may be the same array: callers must not modify them in place).

    Subclasses implement `forward(inputs)`, `backward(dy)` and, when inputs need not share one shape,
    `check_shapes(shapes)` and `compute_output_shape(shapes)`.
    """

    #: The fewest and most inputs the layer accepts (None: no upper bound).
    min_inputs, max_inputs = 2, None

    def prepare_input(self, inputs):
        """Cast each input to the layer's dtype, build on first use, and check the list."""
        self.check_input_count(inputs)
        inputs = [np.asarray(x) for x in inputs]
        inputs = [x if x.dtype == self.dtype else x.astype(self.dtype) for x in inputs]
        if not self.built:
            self.build_for([x.shape for x in inputs])
        self.check_input(inputs)
        return inputs

    def check_input_count(self, inputs):
        count = len(inputs) if isinstance(inputs, (list, tuple)) else 0
        if count < self.min_inputs or (self.max_inputs is not None and count > self.max_inputs):
            expected = self.min_inputs if self.min_inputs == self.max_inputs else f"at least {self.min_inputs}"
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects a list of {expected} inputs, "
                             f"received {count if count else type(inputs).__name__}")

    def build_for(self, input_shapes):
        self.check_input_count(input_shapes)
        shapes = [(None,) + tuple(shape[1:]) for shape in input_shapes]
        self.check_shapes(shapes)
        self.build(shapes)
        self.input_spec = [shape[1:] for shape in shapes]
        self.built = True

    def check_input(self, inputs):
        self.check_input_count(inputs)
        received = [tuple(x.shape[1:]) for x in inputs]
        # None in a built shape is an axis of free length (a sequence's steps): any size matches it.
        if len(received) != len(self.input_spec) or any(
                len(r) != len(spec) or any(e is not None and e != d for e, d in zip(spec, r))
                for r, spec in zip(received, self.input_spec)):
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) expected inputs of shapes "
                f"{[format_shape((None,) + tuple(s)) for s in self.input_spec]}, received "
                f"{[tuple(x.shape) for x in inputs]}")

    def check_shapes(self, shapes):
        """Raise unless every input has the same shape (the element-wise merges)."""
        if any(shape != shapes[0] for shape in shapes):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs inputs of one shape, received "
                             f"{', '.join(format_shape(s) for s in shapes)}")

    def compute_output_shape(self, input_shapes):
        return tuple(input_shapes[0])


class Selection(Merge):
    """y = the input chosen element-wise by `choose` (np.argmax or np.argmin over the stacked inputs);
    dJ/dx_i = dJ/dy where x_i was chosen (the first of ties), else 0."""

    choose = None

    def forward(self, inputs, training=False):
        stacked = np.stack(inputs)
        self.chosen = self.choose(stacked, axis=0)
        return np.take_along_axis(stacked, self.chosen[None], axis=0)[0]

    def backward(self, dy):
        return [np.where(self.chosen == i, dy, 0).astype(dy.dtype, copy=False) for i in range(len(self.input_spec))]


def functional_form(cls, expected, arguments=""):
    """Keras's lowercase function of a merge layer: ``add([a, b], **kwargs)`` is ``Add(**kwargs)([a, b])``.

    Its docstring's example merges [[1, 2]] and [[3, -4]] (with ``arguments``, e.g. ``", axes=1"``, after the
    inputs) and prints ``expected``, the result as a list. The example runs as a doctest through the merging
    package's ``__test__`` (doctest finds no function of this module in the layer's own module).
    """
    def merge(inputs, **kwargs):
        return cls(**kwargs)(inputs)

    merge.__name__ = merge.__qualname__ = "".join("_" + c.lower() if c.isupper() else c for c in cls.__name__)[1:]
    merge.__doc__ = (f"``{merge.__name__}(inputs, **kwargs)`` is ``{cls.__name__}(**kwargs)(inputs)``, as in Keras.\n\n"
                     f"Example:\n"
                     f"    >>> import numpy as np\n"
                     f"    >>> from layerwise.layers import {merge.__name__}\n"
                     f"    >>> a, b = np.array([[1.0, 2.0]]), np.array([[3.0, -4.0]])\n"
                     f"    >>> {merge.__name__}([a, b]{arguments}).tolist()\n"
                     f"    {expected}\n")
    return merge
