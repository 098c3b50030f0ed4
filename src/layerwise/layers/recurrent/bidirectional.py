"""Bidirectional: run a recurrent layer forwards and backwards in time and merge the two."""

import numpy as np

from layerwise.layers import serialization
from layerwise.layers.core.masking import MaskConsumer
from layerwise.layers.core.wrapper import Wrapper
from layerwise.layers.recurrent.rnn import RNN

_MERGE_MODES = ("concat", "sum", "ave", "mul")


def _renamed_cells(cell_config, prefix):
    """A cell's (or a stack of cells') config with every cell named "<prefix>/<its name>", so that the two
    copies of a generic RNN own weights of distinct names ("forward_rnn/lstm_cell/kernel", as Keras's paths)."""
    config = {**cell_config["config"], "name": f"{prefix}/{cell_config['config']['name']}"}
    if "cells" in config:
        config["cells"] = [_renamed_cells(cell, prefix) for cell in config["cells"]]
    return {**cell_config, "config": config}


def _clone(layer, name, **changes):
    config = serialization.serialize(layer)
    config["config"] = {**config["config"], "name": name, **changes}
    if "cell" in config["config"]:  # a generic RNN; SimpleRNN, LSTM ... name their cell after themselves
        config["config"]["cell"] = _renamed_cells(config["config"]["cell"], name)
    return serialization.deserialize(config)


class Bidirectional(MaskConsumer, Wrapper):
    """Two recurrent layers over the same sequence, one reading it forwards, one backwards: y = merge(y_f, y_b).

    Forward: y_f = f(x), y_b = reverse_t(g(reverse_t(x))) (g is a copy of the layer with go_backwards
    flipped; its sequence output is put back in time order), y = [y_f, y_b] (concat), y_f + y_b (sum),
    (y_f + y_b) / 2 (ave) or y_f * y_b (mul).
    Backward: dJ/dy is split by the merge (concat: the two halves; sum: dJ/dy to both; ave: dJ/dy / 2;
    mul: dJ/dy * y_b and dJ/dy * y_f), and dJ/dx = dJ/dx_f + dJ/dx_b.

    Args:
        layer: a recurrent layer: SimpleRNN, LSTM, GRU, ConvLSTM1D/2D/3D or RNN over cells (``return_state``
            is not supported). Its copies are named "forward_<name>" and "backward_<name>", as Keras names
            them (the cells of an RNN's copies: "forward_<name>/<cell name>").
        merge_mode: "concat" (default), "sum", "ave" or "mul".
        backward_layer: an optional recurrent layer to read backwards instead of the copy.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, time, features); an optional ``mask`` (batch, time).

    Output shape:
        The layer's output shape, with 2 * units features for "concat".

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import LSTM
        >>> layer = Bidirectional(LSTM(3, return_sequences=True))
        >>> layer(np.ones((2, 5, 4))).shape
        (2, 5, 6)

    References:
        Schuster & Paliwal, "Bidirectional recurrent neural networks", 1997. Lecture 002.
    """

    def __init__(self, layer, merge_mode="concat", backward_layer=None, **kwargs):
        for argument, value in (("layer", layer), ("backward_layer", backward_layer)):
            if value is not None and not isinstance(value, RNN):
                raise ValueError(f"Bidirectional: {argument} must be a recurrent layer (SimpleRNN, LSTM, GRU, "
                                 f"ConvLSTM1D/2D/3D, RNN), received {type(value).__name__}")
            if value is not None and value.return_state:
                raise ValueError(f"Bidirectional: {argument} with return_state=True is not supported")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Bidirectional: merge_mode must be one of {_MERGE_MODES}, received {merge_mode!r}")
        super().__init__(layer, **kwargs)
        self.merge_mode = merge_mode
        self.backward_layer_argument = backward_layer
        self.forward_layer = _clone(layer, f"forward_{layer.name}")
        self.backward_layer = backward_layer or _clone(layer, f"backward_{layer.name}",
                                                       go_backwards=not layer.go_backwards)
        if self.forward_layer.return_sequences != self.backward_layer.return_sequences:
            raise ValueError("Bidirectional: layer and backward_layer must agree on return_sequences")
        self.return_sequences = layer.return_sequences

    def build(self, input_shape):
        self.forward_layer.build_for(input_shape)
        self.backward_layer.build_for(input_shape)
        self._parameters = self.forward_layer.weights + self.backward_layer.weights

    def sublayers(self):
        # The wrapped layer is the template of the two copies that run; it is never called itself.
        return [self.forward_layer, self.backward_layer]

    def forward(self, x, training=False, mask=None):
        self.forward_call, self.backward_call = self.forward_layer.new_call(), self.backward_layer.new_call()
        self.y_forward = self.forward_call(x, training=training, mask=mask, input_gradient=self.needs_input_gradient)
        self.y_backward = self.backward_call(x, training=training, mask=mask,
                                             input_gradient=self.needs_input_gradient)
        if self.return_sequences:
            self.y_backward = self.y_backward[:, ::-1]
        self.output_mask = mask if self.return_sequences else None
        if self.merge_mode == "concat":
            return np.concatenate([self.y_forward, self.y_backward], axis=-1)
        if self.merge_mode == "sum":
            return self.y_forward + self.y_backward
        if self.merge_mode == "ave":
            return (self.y_forward + self.y_backward) * 0.5
        return self.y_forward * self.y_backward

    def backward(self, dy):
        if self.merge_mode == "concat":
            units = self.y_forward.shape[-1]
            dy_forward, dy_backward = dy[..., :units], dy[..., units:]
        elif self.merge_mode == "sum":
            dy_forward = dy_backward = dy
        elif self.merge_mode == "ave":
            dy_forward = dy_backward = dy * 0.5
        else:
            dy_forward, dy_backward = dy * self.y_backward, dy * self.y_forward
        if self.return_sequences:
            dy_backward = dy_backward[:, ::-1]
        dx_forward, dx_backward = self.forward_call.backward(dy_forward), self.backward_call.backward(dy_backward)
        return dx_forward + dx_backward if self.needs_input_gradient else None

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        if self.merge_mode == "concat":
            units = self.backward_layer.compute_output_shape(input_shape)[-1]
            return tuple(shape[:-1]) + (shape[-1] + units,)
        return tuple(shape)

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def get_config(self):
        config = {**super().get_config(), "merge_mode": self.merge_mode}
        if self.backward_layer_argument is not None:
            config["backward_layer"] = serialization.serialize(self.backward_layer_argument)
        return config

    @classmethod
    def from_config(cls, config):
        if "backward_layer" in config:
            config = {**config, "backward_layer": serialization.deserialize(config["backward_layer"])}
        return super().from_config(config)
