"""Input: the symbolic entry point of a model, as `keras.Input`."""

from layerwise.layers.base import Layer
from layerwise.layers.symbolic import Node
from layerwise.utils._arguments import check_sample_shape


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
        shape = check_sample_shape(shape, "shape", "Input")
        super().__init__(input_shape=shape, **kwargs)
        self.batch_size = batch_size
        self.build_for((batch_size,) + tuple(shape))
        Node(self, [], False, (batch_size,) + tuple(shape), self.dtype)

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
