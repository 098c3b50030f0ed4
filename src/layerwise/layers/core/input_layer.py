"""Input: the symbolic entry point of a model, as `keras.Input`."""

from layerwise.config import standardize_dtype
from layerwise.layers.base import Layer, format_shape


class SymbolicTensor:
    """A placeholder for a batch of arrays of a known shape, produced by `Input` or a layer call.

    Attributes:
        shape: the shape with the batch axis first (None where free).
        dtype: its dtype.
        layer: the layer that produces it.
        inputs: the symbolic tensors that layer was called on.
    """

    def __init__(self, shape, dtype, layer, inputs=()):
        self.shape = tuple(shape)
        self.dtype = standardize_dtype(dtype)
        self.layer = layer
        self.inputs = tuple(inputs)

    def __repr__(self):
        return f"<SymbolicTensor shape={format_shape(self.shape)} dtype={self.dtype.name} from '{self.layer.name}'>"


class InputLayer(Layer):
    """The identity layer that stands for a model's input.

    Args:
        shape: shape of one sample, without the batch axis.
        batch_size: optional fixed batch size.
        **kwargs: `Layer` arguments (name, dtype).

    Example:
        >>> InputLayer(shape=(28, 28)).compute_output_shape((None, 28, 28))
        (None, 28, 28)
    """

    def __init__(self, shape=None, batch_size=None, **kwargs):
        if shape is None:
            shape = kwargs.pop("input_shape", None)
        if shape is None:
            raise ValueError("InputLayer: a shape is required, e.g. InputLayer(shape=(784,))")
        if isinstance(shape, int):
            shape = (shape,)
        super().__init__(input_shape=tuple(shape), **kwargs)
        self.batch_size = batch_size
        self.build_for((batch_size,) + tuple(shape))
        self.output = SymbolicTensor((batch_size,) + tuple(shape), self.dtype, self)

    def forward(self, x, training=False):
        return x

    def backward(self, dy):
        return dy

    def get_config(self):
        config = super().get_config()
        shape = config.pop("input_shape")
        return {**config, "shape": shape, "batch_size": self.batch_size}


def Input(shape, batch_size=None, dtype=None, name=None):
    """Return a `SymbolicTensor` for model inputs of ``shape`` (one sample, no batch axis).

    Example:
        >>> Input(shape=(784,)).shape
        (None, 784)
    """
    return InputLayer(shape=shape, batch_size=batch_size, dtype=dtype, name=name).output
