"""InputSpec: what a layer accepts (rank, dtype, sizes of some axes), checked on every call (Keras's InputSpec)."""

import numpy as np

from layerwise.layers.symbolic import format_shape
from layerwise.utils._arguments import is_integer


def _check_size(value, argument, allow_none=False):
    if (value is None and allow_none) or is_integer(value, minimum=0):
        return None if value is None else int(value)
    raise ValueError(f"InputSpec: {argument} must be a non-negative integer{' or None' if allow_none else ''}, "
                     f"received {value!r}")


def _is_axis(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


class InputSpec:
    """The rank, dtype and axis sizes a layer's input must have; a layer that sets ``self.input_spec`` to one (in
    ``__init__`` or in ``build``) has every input checked against it, with an error naming the layer.

    Shapes include the batch axis; None is any size. A layer without one keeps the built rule: after its first
    call, ``input_spec`` is the sample shape it was built for, and every later input must have it.

    Args:
        dtype: the dtype the input must have as it is passed (before the layer casts it), or None.
        shape: the full shape (batch axis included, None for any size); it sets ``ndim``.
        ndim: the exact rank.
        max_ndim: the largest rank.
        min_ndim: the smallest rank.
        axes: ``{axis: size}``, sizes some axes must have (negative axes count from the end).
        allow_last_axis_squeeze: accept a rank-(N+1) input whose last axis is 1, or a rank-(N-1) input when the
            spec's last axis is 1, against a spec of rank N (the rank check then relies on ``shape``).
        name: the input's name, shown in errors.
        optional: whether the input may be None.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Layer
        >>> class Pairs(Layer):
        ...     def __init__(self, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.input_spec = InputSpec(ndim=3, axes={-1: 2})
        ...     def forward(self, x, training=False):
        ...         return x
        >>> layer = Pairs(name="pairs")
        >>> layer(np.ones((4, 7, 2))).shape, layer(np.ones((4, 9, 2))).shape
        ((4, 7, 2), (4, 9, 2))
        >>> layer(np.ones((4, 7, 3)))
        Traceback (most recent call last):
        ValueError: Layer 'pairs' (Pairs): input 0 is incompatible with InputSpec(ndim=3, axes={-1: 2}): expected \
axis -1 of size 2, received shape (4, 7, 3)

    References:
        Keras ``keras.layers.InputSpec``.
    """

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = None if dtype is None else np.dtype(dtype)
        if shape is not None:
            if isinstance(shape, (str, bytes)) or not hasattr(shape, "__len__"):
                raise ValueError(f"InputSpec: shape must be a tuple of sizes (None for any), received {shape!r}")
            self.shape = tuple(_check_size(d, "each size of shape", allow_none=True) for d in shape)
            self.ndim = len(self.shape)
        else:
            self.shape, self.ndim = None, _check_size(ndim, "ndim", allow_none=True)
        self.max_ndim = _check_size(max_ndim, "max_ndim", allow_none=True)
        self.min_ndim = _check_size(min_ndim, "min_ndim", allow_none=True)
        if not isinstance(axes, (dict, type(None))) or not all(_is_axis(axis) for axis in axes or {}):
            raise ValueError(f"InputSpec: axes must be a dict of integer axes to sizes, received {axes!r}")
        self.axes = {int(axis): _check_size(size, f"the size of axis {axis}", allow_none=True)
                     for axis, size in (axes or {}).items()}
        rank = self.ndim if self.ndim is not None else self.max_ndim
        if self.axes and rank is not None and not all(-rank <= axis < rank for axis in self.axes):
            raise ValueError(f"InputSpec: axes {sorted(self.axes)} must lie in [-{rank}, {rank}) for inputs of rank "
                             f"at most {rank}, received axes={axes!r}")
        self.allow_last_axis_squeeze = bool(allow_last_axis_squeeze)
        self.name = name
        self.optional = bool(optional)

    def check(self, x, layer, index=0):
        """Raise a ValueError naming ``layer`` (a `Layer`), the input and the rule unless x (anything with a
        ``shape``; symbolic tensors too) satisfies this spec."""
        if x is None:
            if self.optional:
                return
            self._fail(layer, index, "a tensor", "None")
        shape = tuple(x.shape)
        ndim, received = len(shape), f"shape {format_shape(shape) if None in shape else shape}"
        if self.ndim is not None and not self.allow_last_axis_squeeze and ndim != self.ndim:
            self._fail(layer, index, f"rank {self.ndim}", received)
        if self.max_ndim is not None and ndim > self.max_ndim:
            self._fail(layer, index, f"rank at most {self.max_ndim}", received)
        if self.min_ndim is not None and ndim < self.min_ndim:
            self._fail(layer, index, f"rank at least {self.min_ndim}", received)
        if self.dtype is not None and getattr(x, "dtype", None) is not None and np.dtype(x.dtype) != self.dtype:
            self._fail(layer, index, f"dtype {self.dtype.name}", f"dtype {np.dtype(x.dtype).name}")
        for axis, size in self.axes.items():
            if not -ndim <= axis < ndim:
                self._fail(layer, index, f"an axis {axis}", received)
            if size is not None and shape[axis] not in (size, None):
                self._fail(layer, index, f"axis {axis} of size {size}", received)
        if self.shape is not None:
            expected = self.shape
            if self.allow_last_axis_squeeze and ndim == len(expected) + 1 and shape[-1] == 1:
                shape = shape[:-1]
            elif self.allow_last_axis_squeeze and len(expected) == ndim + 1 and expected[-1] == 1:
                expected = expected[:-1]
            if len(shape) != len(expected) or any(e is not None and d is not None and e != d
                                                  for e, d in zip(expected, shape)):
                self._fail(layer, index, f"shape {format_shape(self.shape)}", received)

    def _fail(self, layer, index, expected, received):
        name = "" if self.name is None else f" ('{self.name}')"
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}): input {index}{name} is incompatible with "
                         f"{self!r}: expected {expected}, received {received}")

    def __repr__(self):
        parts = [f"{name}={value}" for name, value in
                 (("dtype", None if self.dtype is None else self.dtype.name),
                  ("shape", None if self.shape is None else format_shape(self.shape)),
                  ("ndim", None if self.shape is not None else self.ndim), ("max_ndim", self.max_ndim),
                  ("min_ndim", self.min_ndim), ("axes", self.axes or None)) if value is not None]
        return f"InputSpec({', '.join(parts)})"

    def get_config(self):
        return {"dtype": None if self.dtype is None else self.dtype.name,
                "shape": None if self.shape is None else list(self.shape), "ndim": self.ndim,
                "max_ndim": self.max_ndim, "min_ndim": self.min_ndim, "axes": dict(self.axes),
                "allow_last_axis_squeeze": self.allow_last_axis_squeeze, "name": self.name, "optional": self.optional}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
