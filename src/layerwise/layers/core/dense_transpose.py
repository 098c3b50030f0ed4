"""DenseTranspose: a dense layer whose kernel is another Dense layer's, transposed (tied weights)."""

from layerwise import activations, initializers
from layerwise.layers import serialization
from layerwise.layers.base import Layer, format_shape
from layerwise.layers.core.dense import Dense
from layerwise.ops.dense import dense_forward


class DenseTranspose(Layer):
    """z = s(y Wᵀ + b'): the tied decoder of an autoencoder whose encoder is y = s(x W + b) (lecture 002).

    The kernel W (n_in, units) belongs to ``tied_to``; this layer owns only its bias b' (n_in,). For y of
    shape (N, units):
    Forward: a = y Wᵀ + b', z = s(a).
    Backward: dJ/da = dJ/dz * s'(a); dJ/dW += (dJ/da)ᵀ y (n_in, units), added into the encoder's
    ``kernel.grad``, so a tied W gets the sum of both uses' gradients; dJ/db' = Σ_n dJ/da;
    dJ/dy = dJ/da W.

    W is trained with the layer it belongs to: frozen with it, updated with it. Saved in a model, the
    tie is kept by the tied layer's name, which must be deserialized first (the encoder before the
    decoder, as `layerwise.pretraining.Autoencoder` saves them).

    Args:
        tied_to: the `Dense` layer whose kernel is used (or its name, when loading a saved model).
        activation: s, a name or function from `layerwise.activations` (None: linear).
        use_bias: whether to add b'.
        bias_initializer: initializer of b' (default "zeros").
        dtype: the float type (default: the tied layer's).
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, units), the tied layer's output.

    Output shape:
        (batch, n_in), the tied layer's input.

    Example:
        >>> import numpy as np
        >>> encoder = Dense(3, activation="sigmoid", input_dim=5)
        >>> decoder = DenseTranspose(encoder, activation="sigmoid")
        >>> decoder(encoder(np.ones((2, 5)))).shape, len(decoder.weights)
        ((2, 5), 1)

    References:
        Vincent et al., "Stacked Denoising Autoencoders", JMLR 2010 (tied weights W' = Wᵀ);
        lecture 002 (autoencoder decoder z = s(W'y + b')).
    """

    def __init__(self, tied_to, activation=None, use_bias=True, bias_initializer="zeros", dtype=None, **kwargs):
        tied_to = serialization.deserialized_layer(tied_to) if isinstance(tied_to, str) else tied_to
        if not isinstance(tied_to, Dense):
            raise TypeError(f"DenseTranspose: tied_to must be a Dense layer, received {tied_to!r}")
        super().__init__(dtype=dtype or tied_to.dtype, **kwargs)
        self.tied_to = tied_to
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.bias_initializer = bias_initializer

    @property
    def output_activation(self):
        return self.activation

    @property
    def kernel(self):
        """The tied layer's kernel Parameter W (n_in, units)."""
        if not self.tied_to.built:
            raise ValueError(f"Layer '{self.name}' (DenseTranspose) is tied to '{self.tied_to.name}', which has "
                             "no weights yet; call the tied layer first")
        return self.tied_to.kernel

    @property
    def used_weights(self):
        return self.weights + [self.kernel]

    def build(self, input_shape):
        if input_shape[-1] != self.tied_to.units or len(input_shape) != 2:
            raise ValueError(
                f"Layer '{self.name}' (DenseTranspose) expected input of shape (None, {self.tied_to.units}) "
                f"(the output of '{self.tied_to.name}'), received {format_shape(input_shape)}")
        self.bias = self.add_weight("bias", (self.kernel.shape[0],), self.bias_initializer) if self.use_bias else None

    def forward(self, y, training=False):
        self.y = y
        a = dense_forward(y, self.kernel.value.T, self.bias.value if self.use_bias else None)
        self.a = a if self.activation.reads == "input" else None
        self.z = self.activation.forward(a, out=None if self.a is not None else a)
        return self.z

    def backward(self, dz):
        return self.backward_preactivation(self.activation.backward(dz, self.a, self.z))

    def backward_preactivation(self, da):
        self.kernel.accumulate_matmul(da.T, self.y)
        if self.use_bias:
            self.bias.grad += da.sum(axis=0)
        return dense_forward(da, self.kernel.value) if self.needs_input_gradient else None  # dJ/dy = dJ/da W

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.kernel.shape[0],)

    def get_config(self):
        return {**super().get_config(), "tied_to": self.tied_to.name,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "bias_initializer": initializers.serialize(self.bias_initializer)}
