"""Symbolic tensors: calling a layer on the output of `Input` records a graph instead of computing.

Each call of a layer on symbolic tensors is a `Node`: the layer, the tensors it received, and the symbolic
tensors it produced (one, or several for a model of several outputs). A layer called at several nodes
shares its weights there; `layerwise.Model` walks the nodes to run the forward and backward passes, and
`Layer.input` / `Layer.output` read a layer's nodes back (Keras's ``layer.output``).
"""

from layerwise.config import standardize_dtype


def format_shape(shape) -> str:
    """``(None, 784)`` style text for a shape with a free batch axis."""
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def is_shape_list(shape) -> bool:
    """Whether ``shape`` is a list of shapes (several tensors) rather than one shape."""
    return isinstance(shape, list) and all(isinstance(s, (tuple, list)) for s in shape) and bool(shape)


class SymbolicTensor:
    """A placeholder for a batch of arrays of a known shape, produced by `Input` or a layer call.

    Attributes:
        shape: the shape with the batch axis first (None where free).
        dtype: its dtype.
        node: the `Node` (call) that produces it.
        index: which of that call's outputs it is.
    """

    def __init__(self, shape, dtype, node, index=0):
        self.shape = tuple(shape)
        self.dtype = standardize_dtype(dtype)
        self.node = node
        self.index = index

    @property
    def layer(self):
        """The layer whose call produces this tensor."""
        return self.node.layer

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<SymbolicTensor shape={format_shape(self.shape)} dtype={self.dtype.name} from '{self.layer.name}'>"


class Node:
    """One call of a layer on symbolic tensors.

    Attributes:
        layer: the layer called.
        inputs: the symbolic tensors it received, in order.
        list_call: whether it received them as a list (merging layers, models of several inputs).
        outputs: the symbolic tensors it produced.
        single_output: whether the call returned one tensor (else a list of `outputs`).
        training: the mode fixed for this call (``layer(x, training=False)``), or None to follow the model's.
        arguments: the call arguments fixed for this call (``attention(x, use_causal_mask=True)``), passed to
            the layer at every run of the node.
    """

    def __init__(self, layer, inputs, list_call, output_shape, dtype, training=None, arguments=None):
        self.layer = layer
        self.training = training
        self.arguments = dict(arguments or {})
        self.inputs = list(inputs)
        self.list_call = list_call
        self.single_output = not is_shape_list(output_shape)
        shapes = [output_shape] if self.single_output else output_shape
        self.outputs = [SymbolicTensor(shape, dtype, self, index) for index, shape in enumerate(shapes)]
        layer.inbound_nodes.append(self)

    @property
    def result(self):
        """What the call returned: its one output tensor, or the list of them."""
        return self.outputs[0] if self.single_output else list(self.outputs)


def get_source_inputs(tensor) -> list:
    """The `Input` tensors that ``tensor`` is computed from, in the order first reached, as Keras's function.

    Example:
        >>> import layerwise
        >>> from layerwise.layers import Dense, concatenate
        >>> a, b = layerwise.Input(shape=(2,)), layerwise.Input(shape=(3,))
        >>> get_source_inputs(Dense(1)(concatenate([a, b]))) == [a, b]
        True
    """
    sources, stack, seen = [], [tensor], set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if not current.node.inputs:
            sources.append(current)
        stack.extend(reversed(current.node.inputs))
    return sources


def is_symbolic(x) -> bool:
    """Whether x is a symbolic tensor or a non-empty list of them."""
    if isinstance(x, (list, tuple)):
        return bool(x) and all(isinstance(item, SymbolicTensor) for item in x)
    return isinstance(x, SymbolicTensor)


def call_symbolic(layer, x, training=None, arguments=None):
    """Build ``layer`` for the shape(s) of x, check them, and return the symbolic output(s) of this call (with
    ``arguments``, the layer's `symbolic_call_arguments` fixed for the node)."""
    list_call = isinstance(x, (list, tuple))
    tensors = list(x) if list_call else [x]
    shape = [t.shape for t in tensors] if list_call else x.shape
    if not layer.built:
        layer.build_for(shape)
    layer.check_input(x)
    output_shape = layer.compute_output_shape(shape, **arguments) if arguments else layer.compute_output_shape(shape)
    return Node(layer, tensors, list_call, output_shape, layer.dtype, training, arguments).result
