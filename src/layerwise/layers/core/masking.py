"""Masking of padded time steps, and the small protocol that carries a mask from layer to layer.

A layer that produces a mask (``Masking``, ``Embedding(mask_zero=True)``, a recurrent layer with
``return_sequences=True`` that received one) sets ``self.output_mask`` in forward: a boolean array of
shape (batch, time), True where the step is real. A model hands that array along the graph to the layers
it feeds as ``layer(x, training, mask=...)`` when they have ``supports_masking = True`` (the `MaskConsumer`
mixin); any other layer ends the mask's journey, as it does in Keras for layers that do not support masking.
"""

import numpy as np

from layerwise.layers import symbolic
from layerwise.layers.base import Layer
from layerwise.layers.input_spec import InputSpec


class MaskConsumer:
    """Mixin for sequence layers whose forward takes ``mask=`` (a boolean (batch, time) array or None).

    The time axis of their input is free: a layer built on 20 steps also runs on 50, as in Keras.
    """

    supports_masking = True
    output_mask = None

    def build_for(self, input_shape):
        if self.input_shape_hint is not None and self.input_shape_hint[0] is None:
            input_shape = (input_shape[0], None) + tuple(input_shape[2:])
        super().build_for(input_shape)
        if not isinstance(self.input_spec, InputSpec):  # a layer's own InputSpec says what it accepts
            self.input_spec = (None,) + self.input_spec[1:]

    def __call__(self, x, training=None, mask=None, **options):
        if mask is not None and not symbolic.is_symbolic(x):
            mask = np.asarray(mask, dtype=bool)
            if mask.shape != np.shape(x)[:2]:
                raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expected a mask of shape "
                                 f"{np.shape(x)[:2]}, received {mask.shape}")
        return super().__call__(x, training=training, mask=mask, **options)


class Masking(Layer):
    """Skip padded time steps: y = x * m with m_t = any_k(x_tk != mask_value), and mask m passed on.

    Backward: dJ/dx = dJ/dy * m. The mask (batch, time) goes to the next layer through ``output_mask``;
    recurrent layers then keep their state unchanged over masked steps (see `layerwise.layers.LSTM`).

    Args:
        mask_value: the padding value; a step is masked when every feature equals it.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, time, features).

    Output shape:
        Same as the input.

    Example:
        >>> import numpy as np
        >>> layer = Masking(mask_value=0.0)
        >>> y = layer(np.array([[[1.0], [0.0], [2.0]]]))
        >>> layer.output_mask
        array([[ True, False,  True]])

    References:
        Keras ``keras.layers.Masking``; lecture 002 (recurrent networks among deep architectures).
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = float(mask_value)

    def build(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"Masking: expected input of rank 3 (batch, time, features), received "
                             f"shape {tuple(input_shape)}")

    def forward(self, x, training=False):
        self.output_mask = np.any(x != self.mask_value, axis=-1)
        self.keep = self.output_mask[..., None].astype(x.dtype)
        return x * self.keep

    def backward(self, dy):
        return dy * self.keep

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
