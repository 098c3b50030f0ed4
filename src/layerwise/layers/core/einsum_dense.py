"""EinsumDense: a dense layer whose product is any einsum of the input with the kernel."""

from layerwise import activations, initializers
from layerwise.layers.base import Layer
from layerwise.layers.core.dense import Dense
from layerwise.ops.einsum_dense import einsum_dense_backward, einsum_dense_forward, einsum_dense_plan
from layerwise.utils._arguments import check_sample_shape


class EinsumDense(Layer):
    """y = phi(einsum(equation, x, W) + b): a dense layer over any axes, the kernel's shape read from the equation.

    Forward, for the equation "X,K->Y": z = einsum("X,K->Y", x, W) + b, y = phi(z).
    Backward: dJ/dz = dJ/dy * phi'(z); dJ/dW = einsum("X,Y->K", x, dJ/dz) (shape of W);
    dJ/db = dJ/dz summed over the axes b does not have or has of size 1; dJ/dx = einsum("Y,K->X", dJ/dz, W)
    (shape of x; constant along an axis of x that the equation sums away). ``Dense(units)`` is
    ``EinsumDense("...i,ij->...j", units, bias_axes="j")``.

    Args:
        equation: "X,K->Y" naming the axes of the input, the kernel and the output by letters, e.g.
            "ab,bc->ac" (a: the batch axis), "abc,cd->abd", or with an ellipsis for leading or trailing
            axes, "...b,bc->...c" or "ab...,bc->ac...".
        output_shape: the output's sizes, without the batch axis and the ellipsis's axes (an int for one);
            None for an axis whose size the input gives.
        activation: phi, a name or function from `layerwise.activations` (None: linear).
        bias_axes: the output letters that carry a bias (e.g. "c"), or None for no bias.
        kernel_initializer: initializer of W (default "glorot_uniform", as Keras).
        bias_initializer: initializer of b (default "zeros").
        kernel_regularizer, bias_regularizer: penalties R(W), R(b) added to the loss.
        kernel_constraint, bias_constraint: projections of W and b after each update.
        **kwargs: `Layer` arguments.

    Input shape:
        the rank the equation's input spec names (any rank with an ellipsis).

    Output shape:
        the batch axis followed by ``output_shape`` (and the ellipsis's axes where it stands).

    Example:
        >>> import numpy as np
        >>> layer = EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de")
        >>> layer(np.ones((3, 5, 6))).shape
        (3, 5, 2, 4)
        >>> layer.kernel.shape, layer.bias.shape
        ((6, 2, 4), (2, 4))

    References:
        Keras ``keras.layers.EinsumDense``; lecture 001 (the linear layer and its backward pass).
    """

    def __init__(self, equation, output_shape, activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(equation, str):
            raise ValueError(f"EinsumDense: equation must be a string such as 'ab,bc->ac', received {equation!r}")
        if bias_axes is not None and (not isinstance(bias_axes, str) or not bias_axes.isalpha()):
            raise ValueError(f"EinsumDense: bias_axes must be a string of output letters or None, "
                             f"received {bias_axes!r}")
        self.equation = equation
        self.partial_output_shape = check_sample_shape(output_shape, "output_shape", "EinsumDense")
        self.activation = activations.get(activation)
        self.bias_axes = bias_axes
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.set_weight_options(kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                                kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    @property
    def output_activation(self):
        return self.activation

    def build(self, input_shape):
        self.plan = einsum_dense_plan(self.equation, self.bias_axes, input_shape, self.partial_output_shape,
                                      owner=f"Layer '{self.name}' (EinsumDense)")
        self.kernel = self.add_weight("kernel", self.plan.kernel_shape, self.kernel_initializer,
                                      self.kernel_regularizer, self.kernel_constraint)
        self.bias = None if self.plan.bias_shape is None else self.add_weight(
            "bias", self.plan.bias_shape, self.bias_initializer, self.bias_regularizer, self.bias_constraint)

    def forward(self, x, training=False):
        self.x = x
        return self._activate(einsum_dense_forward(self.plan, x, self.kernel.value,
                                                   None if self.bias is None else self.bias.value))

    # y = phi(z), keeping z or y for backward, as Dense does.
    _activate = Dense._activate

    def backward(self, dy):
        return self.backward_preactivation(self.activation.backward(dy, self.z, self.y))

    def backward_preactivation(self, dz):
        return einsum_dense_backward(self.plan, dz, self.x, self.kernel.value, self.kernel.grad,
                                     None if self.bias is None else self.bias.grad, self.needs_input_gradient)

    def compute_output_shape(self, input_shape):
        plan = self.plan if self.built else einsum_dense_plan(self.equation, self.bias_axes, input_shape,
                                                              self.partial_output_shape)
        return (input_shape[0],) + plan.output_shape[1:]

    def get_config(self):
        return {**super().get_config(), "equation": self.equation, "output_shape": list(self.partial_output_shape),
                "activation": activations.serialize(self.activation), "bias_axes": self.bias_axes,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **self.weight_options_config("kernel_regularizer", "bias_regularizer", "kernel_constraint",
                                             "bias_constraint")}
