"""Symbolic tensors: calling a layer on the output of `Input` records a graph instead of computing.

Each `SymbolicTensor` is one call node of the graph: the layer that produced it and the tensors that call
received. A layer called on several symbolic tensors appears at several nodes and shares its weights there;
`layerwise.Model` walks these nodes to run the forward and backward passes.
"""

from layerwise.layers.base import format_shape
from layerwise.config import standardize_dtype


class SymbolicTensor:
    """A placeholder for a batch of arrays of a known shape, produced by `Input` or a layer call.

    Attributes:
        shape: the shape with the batch axis first (None where free).
        dtype: its dtype.
        layer: the layer whose call produces it.
        inputs: the symbolic tensors that call received.
        list_call: whether the layer received them as a list (merging layers) rather than one tensor.
    """

    def __init__(self, shape, dtype, layer, inputs=(), list_call=False):
        self.shape = tuple(shape)
        self.dtype = standardize_dtype(dtype)
        self.layer = layer
        self.inputs = tuple(inputs)
        self.list_call = list_call

    @property
    def ndim(self):
        return len(self.shape)

    def __repr__(self):
        return f"<SymbolicTensor shape={format_shape(self.shape)} dtype={self.dtype.name} from '{self.layer.name}'>"


def is_symbolic(x) -> bool:
    """Whether x is a symbolic tensor or a non-empty list of them."""
    if isinstance(x, (list, tuple)):
        return bool(x) and all(isinstance(item, SymbolicTensor) for item in x)
    return isinstance(x, SymbolicTensor)


def call_symbolic(layer, x) -> SymbolicTensor:
    """Build ``layer`` for the shape(s) of x, check them, and return the symbolic output of this call."""
    list_call = isinstance(x, (list, tuple))
    tensors = list(x) if list_call else [x]
    shape = [t.shape for t in tensors] if list_call else x.shape
    if not layer.built:
        layer.build_for(shape)
    layer.check_input(x)
    return SymbolicTensor(layer.compute_output_shape(shape), layer.dtype, layer, tensors, list_call)
