"""Dense: the fully connected layer."""

from layerwise import activations, initializers
from layerwise.layers.base import Layer, format_shape
from layerwise.ops.dense import (dense_backward, dense_forward, rectified_dense_forward,
                                 weight_gradient_factors)
from layerwise.utils._arguments import check_integer

_RELU = activations.get("relu").function


class Dense(Layer):
    """Fully connected layer y = phi(x W + b) (lecture 001: the linear layer followed by a non-linear one).

    Forward, for x of shape (N, n_in): z = x W + b, y = phi(z).
    Backward: dJ/dz = dJ/dy * phi'(z); dJ/dW = x^T dJ/dz (n_in, n_out); dJ/db = sum_n dJ/dz (n_out,);
    dJ/dx = dJ/dz W^T (N, n_in). Inputs of higher rank are mapped along their last axis.

    Args:
        units: n_out, the number of output units.
        activation: phi, a name or function from `layerwise.activations` (None: linear).
        use_bias: whether to add b.
        kernel_initializer: initializer of W (default "glorot_uniform", as Keras).
        bias_initializer: initializer of b (default "zeros").
        kernel_regularizer: penalty R(W) added to the loss (e.g. ``"l2"`` or ``L2(1e-4)``).
        bias_regularizer: penalty R(b).
        kernel_constraint: projection of W after each update (e.g. ``MaxNorm(3)``: lecture 002's max-norm
            on each unit's incoming weights, the columns of W).
        bias_constraint: projection of b after each update.
        **kwargs: `Layer` arguments (name, dtype, input_shape, input_dim, trainable, activity_regularizer).

    Input shape:
        (batch, ..., n_in).

    Output shape:
        (batch, ..., units).

    Example:
        >>> import numpy as np
        >>> layer = Dense(3, activation="relu", input_dim=4)
        >>> layer(np.ones((2, 4))).shape
        (2, 3)
        >>> layer.kernel.shape
        (4, 3)

    References:
        Lecture 001 (back propagation: linear layer); lecture 003 (Keras ``Dense(units=500, input_dim=784)``).
    """

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        check_integer(units, "units", "Dense")
        self.units = units
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.set_weight_options(kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                                kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    @property
    def output_activation(self):
        return self.activation

    def build(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(
                f"Layer '{self.name}' (Dense) needs inputs of shape (batch, ..., features) with a known "
                f"feature axis, received inputs of rank {len(input_shape)} and shape {format_shape(input_shape)}")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), self.kernel_initializer,
                                      self.kernel_regularizer, self.kernel_constraint)
        self.bias = self.add_weight("bias", (self.units,), self.bias_initializer, self.bias_regularizer,
                                    self.bias_constraint) if self.use_bias else None

    def forward(self, x, training=False):
        self.x = x
        if self.use_bias and self.activation.function is _RELU:
            # ReLU's derivative reads only y: the bias and the rectifier in one pass over z
            self.z, self.y = None, rectified_dense_forward(x, self.kernel.value, self.bias.value)
            return self.y
        return self._activate(dense_forward(x, self.kernel.value, self.bias.value if self.use_bias else None))

    def _activate(self, z):
        """y = phi(z), in place of z when phi's derivative does not read z; keeps z or y for backward."""
        if self.activation.reads == "input":
            self.z = z
            self.y = self.activation.forward(z)
        else:
            self.z = None
            self.y = self.activation.forward(z, out=z)
        return self.y

    def backward(self, dy):
        return self.backward_preactivation(self.activation.backward(dy, self.z, self.y))

    def backward_preactivation(self, dz):
        # x and dz stay as they are until the next pass, so dJ/dW = x^T dz can wait as its factors: plain gradient
        # descent adds -α x^T dz straight into W, and the step's check takes the bound on its norm.
        self.kernel.accumulate_matmul(*weight_gradient_factors(self.x, dz), deferred=True)
        return dense_backward(dz, self.x, self.kernel.value, None, self.bias.grad if self.use_bias else None,
                              self.needs_input_gradient)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **self.weight_options_config("kernel_regularizer", "bias_regularizer", "kernel_constraint",
                                             "bias_constraint")}
