"""The base of SimpleRNN, LSTM, GRU (and ConvLSTM1D/2D/3D): an `RNN` over its own cell, configured by the
cell's arguments.

As in Keras, ``LSTM(units, ...)`` is ``RNN(LSTMCell(units, ...))`` with the cell's arguments and weights
(``layer.kernel``, ``layer.units`` ...) read through the layer. Unlike Keras, the cell carries the layer's
name, so the weights keep their names ("lstm/kernel"), and it is not listed as a sublayer: the layer is
one leaf of the model (its diagnostics, its saved generator state), whose ``rng`` is the cell's.
"""

from layerwise.layers.base import _snake_case, unique_name
from layerwise.layers.recurrent._cell import check_rate
from layerwise.layers.recurrent.rnn import RNN
from layerwise.utils._arguments import check_integer

_LAYER_ONLY = ("trainable", "input_shape", "input_dim", "activity_regularizer")
_CELL_CONFIG_SKIPPED = ("name", "trainable", "dtype")


#: What the layer reads from its cell, as Keras's LSTM has properties ``units``, ``kernel`` ... (a cell
#: without one, such as SimpleRNNCell's recurrent_activation, raises AttributeError).
_CELL_ATTRIBUTES = ("units", "gates", "activation", "recurrent_activation", "use_bias", "unit_forget_bias",
                    "reset_after", "kernel", "recurrent_kernel", "bias", "kernel_initializer",
                    "recurrent_initializer", "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
                    "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint", "dropout",
                    "recurrent_dropout", "seed")


def _from_cell(name):
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


class _Recurrent(RNN):
    """SimpleRNN, LSTM, GRU and the ConvLSTMs; a subclass names its cell class in ``cell_class``."""

    cell_class = None
    #: The name of the first argument, the size of the state (``filters`` for a convolutional LSTM).
    size_argument = "units"

    def __init__(self, units, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 **kwargs):
        layer = type(self).__name__  # checked here too, so that the errors name the layer the user built
        check_integer(units, self.size_argument, layer)
        for rate in ("dropout", "recurrent_dropout"):
            check_rate(layer, rate, kwargs.get(rate, 0.0))
        layer_arguments = {key: kwargs.pop(key) for key in _LAYER_ONLY if key in kwargs}
        name = kwargs.pop("name", None) or unique_name(_snake_case(layer))
        cell = self.cell_class(units, name=name, **kwargs)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, zero_output_for_mask=True, name=name,
                         **layer_arguments)
        self.rng = cell.rng

    def sublayers(self):
        return []

    def get_config(self):
        config = super().get_config()
        for key in ("cell", "unroll", "zero_output_for_mask"):
            del config[key]
        cell_config = {key: value for key, value in self.cell.get_config().items() if key not in _CELL_CONFIG_SKIPPED}
        return {**config, **cell_config}


for _name in _CELL_ATTRIBUTES:
    setattr(_Recurrent, _name, _from_cell(_name))
