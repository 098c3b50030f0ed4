"""Conv2D: the convolution layer of lecture 004 (local receptive fields, shared weights, feature maps)."""

from layerwise.layers.convolutional._base_conv import BaseConv
from layerwise.ops.conv3d import conv_backward_input, conv_backward_kernel, conv_forward


class Conv2D(BaseConv):
    """2-D convolution y = phi(x * w + b) over channels-last images.

    With x (N, H, W, C) zero-padded to x_p, w (kh, kw, C/g, F) and g channel groups:
        z[n, p, q, f] = b[f] + sum_{i, j, c} w[i, j, c, f] x_p[n, p*sh + i*dh, q*sw + j*dw, G(f) C/g + c],
        y = phi(z),  G(f) = f // (F/g).
    Backward, with delta = dJ/dz = dJ/dy * phi'(z) (lecture 004: the weights are shared, so their gradient
    sums over every position they are used at):
        dJ/dw[i, j, c, f] = sum_{n, p, q} delta[n, p, q, f] x_p[n, p*sh + i*dh, q*sw + j*dw, G(f) C/g + c],
        dJ/db[f] = sum_{n, p, q} delta[n, p, q, f],
        dJ/dx = the same sum with x and w exchanged (a convolution of delta with the flipped kernel).
    'same' padding follows Keras/TensorFlow exactly: ceil(H/sh) outputs, and when the total padding
    max((ceil(H/sh) - 1) sh + (kh-1) dh + 1 - H, 0) is odd the extra row/column goes at the bottom/right.

    Args:
        filters: F, the number of feature maps.
        kernel_size: (kh, kw) or one int for both.
        strides: (sh, sw) or one int.
        padding: "valid" (no padding) or "same" (see above).
        dilation_rate: (dh, dw) or one int: the spacing between kernel taps.
        groups: g; input and output channels are split into g independent groups.
        activation: phi, a name or function from `layerwise.activations` (None: linear).
        use_bias: whether to add b.
        kernel_initializer: initializer of w (default "glorot_uniform", fans times kh*kw as Keras).
        bias_initializer: initializer of b (default "zeros").
        kernel_regularizer: penalty R(w) added to the loss (e.g. ``"l2"`` or ``L2(1e-4)``).
        bias_regularizer: penalty R(b).
        kernel_constraint: projection of w after each update; ``MaxNorm(3, axis=[0, 1, 2])`` bounds the
            norm of each filter w[:, :, :, f] (the default axis=0 would bound each kernel column instead).
        bias_constraint: projection of b after each update.
        **kwargs: `Layer` arguments (name, dtype, input_shape, trainable, activity_regularizer).

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, new_height, new_width, filters).

    Example:
        >>> import numpy as np
        >>> layer = Conv2D(8, 3, padding="same", activation="relu")
        >>> layer(np.zeros((2, 28, 28, 1))).shape
        (2, 28, 28, 8)
        >>> layer.kernel.shape
        (3, 3, 1, 8)

    References:
        LeCun et al., "Gradient-based learning applied to document recognition", 1998.
        Lecture 004 (convolutional networks: a_j = sum_{i in L_j} w_i z_i, dE/dw_i = sum_j delta_j z_i).
    """

    def build(self, input_shape):
        channels = self._check_channels(input_shape, self.groups)
        self._check_output_size(input_shape, self.groups)
        self._add_kernel(self.kernel_size + (channels // self.groups, self.filters))
        self._add_bias()

    def forward(self, x, training=False):
        self.x = self._as_images(x)
        self.conv_geometry = self.geometry(self.x.shape[1:-1], self.groups)
        z, self.columns = conv_forward(self.x, self._image_kernel(self.kernel.value), self._bias_value(),
                                       self.conv_geometry, keep_columns=training, activation=self._fused_activation)
        return self._activate(self._from_images(z))

    def backward_preactivation(self, dz):
        dz = self._as_images(dz)
        conv_backward_kernel(dz, self.x, self.columns, self.conv_geometry, self._image_kernel(self.kernel.grad),
                             self._bias_grad())
        self.columns = None
        if not self.needs_input_gradient:
            return None
        return self._from_images(conv_backward_input(dz, self._image_kernel(self.kernel.value),
                                                     self.conv_geometry))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._spatial_output(input_shape, self.groups) + (self.filters,)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups}
