"""TimeDistributed: apply one layer to every time step."""

from layerwise.layers.core.masking import MaskConsumer
from layerwise.layers.core.wrapper import Wrapper


class TimeDistributed(MaskConsumer, Wrapper):
    """Apply the same layer f to each time step: y[:, t] = f(x[:, t]), with f's weights shared over t.

    Forward: the (N, T, ...) batch is reshaped to (N T, ...), passed through f, and reshaped back.
    Backward: dJ/dx[:, t] = f's backward of dJ/dy[:, t]; f's weight gradients sum over all N T rows,
    the sum over time that weight sharing implies. A mask from the layer before is passed on unchanged.

    Args:
        layer: the layer applied at each step (its input shape excludes the time axis).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, time, ...) with ... the inner layer's input shape.

    Output shape:
        (batch, time, ...) with ... the inner layer's output shape.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Dense
        >>> layer = TimeDistributed(Dense(2))
        >>> layer(np.ones((4, 5, 3))).shape
        (4, 5, 2)

    References:
        Keras ``keras.layers.TimeDistributed``. Lecture 004 (weight sharing).
    """

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"TimeDistributed '{self.name}': expected input of rank >= 3 "
                             f"(batch, time, ...), received shape {tuple(input_shape)}")
        self.build_wrapped((None,) + tuple(input_shape[2:]))

    def forward(self, x, training=False, mask=None):
        self.leading = x.shape[:2]
        self.inner_call = self.layer.new_call()
        y = self.inner_call(x.reshape((-1,) + x.shape[2:]), training=training, input_gradient=self.needs_input_gradient)
        self.output_mask = mask
        return y.reshape(self.leading + y.shape[1:])

    def backward(self, dy):
        dx = self.inner_call.backward(dy.reshape((-1,) + dy.shape[2:]))
        return None if dx is None else dx.reshape(self.leading + dx.shape[1:])

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape((None,) + tuple(input_shape[2:]))
        return tuple(input_shape[:2]) + tuple(inner[1:])
