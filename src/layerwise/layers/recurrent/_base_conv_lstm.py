"""The base of ConvLSTM1D, ConvLSTM2D and ConvLSTM3D: an `RNN` over a `ConvLSTMCell` of the layer's rank."""

from layerwise.layers.recurrent._conv_lstm_cell import _AXES, ConvLSTMCell
from layerwise.layers.recurrent._rnn import _from_cell, _Recurrent


class BaseConvLSTM(_Recurrent):
    """A convolutional LSTM over ``rank`` spatial axes; the cell's flat states are shown as images.

    The cell hands `RNN` each state flattened to (N, S' F), so the time loop, masks, ``stateful`` and
    ``return_state`` are RNN's own; this layer reshapes its outputs and states to (N, *S', F) and the
    gradients it receives back.
    """

    rank = 2
    cell_class = ConvLSTMCell
    size_argument = "filters"

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 return_sequences=False, return_state=False, go_backwards=False, stateful=False, **kwargs):
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{type(self).__name__}: only data_format='channels_last' is supported, "
                             f"received {data_format!r}")
        super().__init__(filters, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, kernel_size=kernel_size, strides=strides,
                         padding=padding, dilation_rate=dilation_rate, rank=self.rank, **kwargs)

    @property
    def input_axes(self):
        return f"(batch, time, {_AXES[self.rank]}, channels)"

    filters = _from_cell("filters")
    kernel_size = _from_cell("kernel_size")
    strides = _from_cell("strides")
    padding = _from_cell("padding")
    dilation_rate = _from_cell("dilation_rate")

    def _as_images(self, flat):
        return flat.reshape(flat.shape[:-1] + self.cell.state_shape)

    def _as_flat(self, images):
        return None if images is None else images.reshape(images.shape[:-(self.rank + 1)] + (-1,))

    def forward(self, x, training=False, mask=None):
        result = super().forward(x, training=training, mask=mask)
        return [self._as_images(y) for y in result] if self.return_state else self._as_images(result)

    def backward(self, dy):
        dy = [self._as_flat(d) for d in dy] if isinstance(dy, (list, tuple)) else self._as_flat(dy)
        return super().backward(dy)

    def compute_output_shape(self, input_shape):
        state = self.cell.spatial_output(tuple(input_shape[2:-1])) + (self.cell.units,)
        return tuple(input_shape[:2]) + state if self.return_sequences else (input_shape[0],) + state

    def get_config(self):
        config = super().get_config()
        del config["rank"]
        return config
