"""The record of a Keras-style ``call``: `Tensor`, the values it computes, and `backpropagate`, which runs
the recorded rules backwards (lecture 001's modular backprop, with each op as a module).

Each differentiable function of `layerwise.ops` computes its value with NumPy and, when one of its operands
needs a gradient, returns a `Tensor` that remembers those operands and its rule: the function
``rule(dJ/dy) -> (dJ/dx_1, ..., dJ/dx_n)``, one gradient per operand (None for an operand without one).
`backpropagate` visits the record in reverse topological order, so a value used twice receives the sum of
both paths' gradients, exactly as `layerwise.Model` sums them between layers.

A `Parameter` enters the record as a leaf whose rule adds dJ/dθ into ``parameter.grad``. Nothing is global:
the record hangs off the output tensors, so two calls (or two threads) never share one.
"""

import numpy as np

#: Each NumPy ufunc a Tensor may meet (``array * tensor`` reaches the tensor through ``np.multiply``) and
#: the name of the differentiable function of `layerwise.ops` that computes it; filled by `layerwise.ops`.
UFUNCS = {}


class Tensor:
    """A value computed inside a layer's ``call``, with the record that carries its gradient back.

    Tensors behave as NumPy arrays do under the operators (``+ - * / ** @``, unary ``-``, comparisons,
    indexing) and `layerwise.ops`' functions; ``tensor.numpy()`` is the value. A NumPy function that has no
    differentiable twin in `layerwise.ops` refuses a Tensor with a `TypeError` naming it, so that a gradient
    is never silently lost.

    Attributes:
        value: the NumPy array.
        parents: the operands it was computed from (Tensors), or () for a leaf.
        rule: ``rule(dJ/dy)`` -> one dJ/dx per parent; None for a leaf.
        requires_grad: whether a gradient flows back through it (to an input or a trainable parameter).

    Example:
        A layer's ``call`` builds such a record; here one is built by hand from a leaf x and run backwards
        (`backpropagate`): y = x^2 + 3x has dy/dx = 2x + 3, which is 5 and -1 at x = 1 and x = -2.

        >>> import numpy as np
        >>> x = Tensor(np.array([1.0, -2.0]), requires_grad=True)
        >>> y = x * x + 3 * x
        >>> y.shape, y.numpy().tolist()
        ((2,), [4.0, -2.0])
        >>> [dx] = backpropagate([(y, np.ones(2))], wanted=[x])
        >>> dx.tolist()
        [5.0, -1.0]
        >>> np.sort(y)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        TypeError: np.sort was applied to a layerwise Tensor inside a layer's call, and layerwise cannot ...
    """

    __slots__ = ("value", "parents", "rule", "requires_grad")
    # Above ndarray's, so ``array + tensor`` is the tensor's to compute.
    __array_priority__ = 1000

    def __init__(self, value, parents=(), rule=None, requires_grad=False):
        self.value = value
        self.parents = parents
        self.rule = rule
        self.requires_grad = requires_grad

    shape = property(lambda self: self.value.shape)
    ndim = property(lambda self: self.value.ndim)
    dtype = property(lambda self: self.value.dtype)
    size = property(lambda self: self.value.size)

    def __len__(self):
        return len(self.value)

    def numpy(self):
        """The value, as a NumPy array (no gradient flows through it)."""
        return self.value

    def __repr__(self):
        return f"<layerwise Tensor shape={self.value.shape} dtype={self.value.dtype}>"

    def __bool__(self):
        return bool(self.value)

    def __float__(self):
        return float(self.value)

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a layerwise Tensor (a value inside a layer's call) was converted to a NumPy array, "
                        "which would cut its gradient: use the functions of layerwise.ops, or "
                        "layerwise.ops.stop_gradient / tensor.numpy() to use its value as a constant")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        name = UFUNCS.get(ufunc.__name__)
        if method != "__call__" or kwargs or name is None:
            raise _refused(f"np.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}"))
        import layerwise.ops as ops
        return getattr(ops, name)(*inputs)

    def __array_function__(self, func, types, args, kwargs):
        raise _refused(f"np.{func.__name__}")


def _refused(name):
    return TypeError(f"{name} was applied to a layerwise Tensor inside a layer's call, and layerwise cannot "
                     "differentiate through it: use the differentiable functions of layerwise.ops (matmul, "
                     "add, exp, sum, reshape, concatenate, where, ... see dir(layerwise.ops)), or give the "
                     "layer its own forward and backward")


def is_traced(value) -> bool:
    """Whether ``value`` takes part in a record: a `Tensor`, or a parameter (anything with ``as_tensor``)."""
    return isinstance(value, Tensor) or hasattr(value, "as_tensor")


def lift(value):
    """A Tensor as is, a parameter as its leaf, anything else as a constant NumPy array."""
    if isinstance(value, Tensor):
        return value
    if hasattr(value, "as_tensor"):
        return value.as_tensor()
    return value


def value_of(value):
    """The NumPy value of a Tensor, parameter or constant."""
    value = lift(value)
    return value.value if isinstance(value, Tensor) else value


def result(value, operands, rule):
    """The output of an op: a Tensor recording ``rule`` when an operand needs a gradient, else a constant
    Tensor (when an operand is a Tensor) or the plain array (when none is: ops work on arrays too)."""
    traced = [operand for operand in operands if isinstance(operand, Tensor)]
    if not traced:
        return value
    if any(operand.requires_grad for operand in traced):
        return Tensor(value, tuple(operands), rule, True)
    return Tensor(value)


def _constant_like(value, traced):
    # A float64 constant beside a float32 tensor would promote the whole computation (float32 stays float32).
    value = np.asarray(value)
    if value.dtype.kind == "f" and traced.dtype.kind == "f" and value.dtype != traced.dtype:
        return value.astype(traced.dtype)
    return value


def operands(*values):
    """The operands of an op lifted (`lift`), and their NumPy values; constants take a traced operand's float type."""
    lifted = [lift(value) for value in values]
    traced = next((operand for operand in lifted if isinstance(operand, Tensor)), None)
    if traced is None:
        return lifted, [np.asarray(operand) if not np.isscalar(operand) else operand for operand in lifted]
    values = [operand.value if isinstance(operand, Tensor) else
              operand if np.isscalar(operand) else _constant_like(operand, traced) for operand in lifted]
    return lifted, values


def unbroadcast(gradient, shape):
    """Sum ``gradient`` over the axes that broadcasting added or stretched, back to ``shape``."""
    if gradient.shape == tuple(shape):
        return gradient
    extra = gradient.ndim - len(shape)
    axes = tuple(range(extra)) + tuple(extra + i for i, n in enumerate(shape)
                                       if n == 1 and gradient.shape[extra + i] != 1)
    return gradient.sum(axis=axes, keepdims=True).reshape(shape) if axes else gradient.reshape(shape)


def _order(roots):
    """The traced tensors reachable from ``roots``, each after every tensor it was computed from."""
    order, seen = [], set()
    stack = [(root, False) for root in roots]
    while stack:
        tensor, expanded = stack.pop()
        if expanded:
            order.append(tensor)
            continue
        if id(tensor) in seen or not tensor.requires_grad:
            continue
        seen.add(id(tensor))
        stack.append((tensor, True))
        stack.extend((parent, False) for parent in tensor.parents if isinstance(parent, Tensor))
    return order


def _add(total, gradient):
    if total is None:
        return gradient
    if isinstance(total, list):
        return [t if g is None else g if t is None else t + g for t, g in zip(total, gradient)]
    return total + gradient


def backpropagate(seeds, wanted=()):
    """Run the record backwards from ``seeds`` ([(tensor, dJ/dtensor)]); return dJ/dw for each of ``wanted``.

    A parameter's leaf adds its gradient into the parameter's ``grad`` on the way. A wanted tensor that
    no seed reaches gets None.
    """
    gradients = {}
    for tensor, gradient in seeds:
        if isinstance(tensor, Tensor) and tensor.requires_grad and gradient is not None:
            gradients[id(tensor)] = _add(gradients.get(id(tensor)), gradient)
    keep = {id(tensor) for tensor in wanted}
    for tensor in reversed(_order([tensor for tensor, _ in seeds if isinstance(tensor, Tensor)])):
        gradient = gradients.get(id(tensor)) if id(tensor) in keep else gradients.pop(id(tensor), None)
        if gradient is None or tensor.rule is None:
            continue
        for parent, parent_gradient in zip(tensor.parents, tensor.rule(gradient)):
            if parent_gradient is not None and isinstance(parent, Tensor) and parent.requires_grad:
                gradients[id(parent)] = _add(gradients.get(id(parent)), parent_gradient)
    return [gradients.get(id(tensor)) for tensor in wanted]
