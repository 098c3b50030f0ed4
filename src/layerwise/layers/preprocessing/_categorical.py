"""What the categorical preprocessing layers share (Discretization, CategoryEncoding, IntegerLookup): the output
modes, integer inputs kept exact, the output shape, and a backward pass of zeros.

Their outputs are piecewise constant in the input (an index changes only where the input crosses a boundary or
a token), so dJ/dx = 0 wherever it exists; backward returns zeros, as `Embedding`'s does for its ids.
"""

import numpy as np

from layerwise.layers.base import Layer
from layerwise.layers.preprocessing._augmentation import check_choice
from layerwise.ops.categorical import OUTPUT_MODES, encode, encoded_shape


def data_batches(data):
    """``data`` for `adapt`: an array (or list) as one batch, else an iterable of batches x or (x, y)."""
    if isinstance(data, (np.ndarray, list, tuple)):
        return [np.asarray(data)]
    return (np.asarray(batch[0] if isinstance(batch, tuple) else batch) for batch in data)


class CategoricalLayer(Layer):
    """A layer whose output encodes integer categories in ``output_mode`` (float outputs of the layer's dtype)."""

    def __init__(self, output_mode, sparse=False, output_modes=OUTPUT_MODES, **kwargs):
        super().__init__(**kwargs)
        self.output_mode = check_choice(type(self).__name__, "output_mode", output_mode, output_modes)
        if sparse:
            raise ValueError(f"{type(self).__name__}: sparse outputs are not supported (NumPy arrays are dense), "
                             f"received sparse={sparse!r}")

    @property
    def depth(self):
        """The size of the encoded axis (the number of categories)."""
        raise NotImplementedError

    def prepare_input(self, x):
        # Integer tokens stay integers: a float32 cast would merge ids above 2**24.
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.integer):
            return super().prepare_input(x)
        if not self.built:
            self.build_for(x.shape)
        self.check_input(x)
        return x

    def forward_indices(self, x):
        """The integers the output encodes, (batch, ...): category indices (-1 where an entry is left out)."""
        raise NotImplementedError

    def forward(self, x, training=False):
        self.input_shape_seen = x.shape
        return encode(self.forward_indices(x), self.output_mode, self.depth, self.dtype)

    def backward(self, dy):
        return np.zeros(self.input_shape_seen, self.dtype)

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self.depth)

    def get_config(self):
        return {**super().get_config(), "output_mode": self.output_mode}
