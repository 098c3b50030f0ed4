"""Conv2DTranspose: the transposed convolution, which upsamples (decoders of convolutional autoencoders)."""

from layerwise.layers.convolutional._base_conv import BaseConv
from layerwise.ops.conv import add_bias, conv2d_backward_input, conv2d_backward_kernel, conv2d_forward, sum_rows


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution: the backward pass of a Conv2D used as a forward pass.

    Let conv be the convolution with kernel w (kh, kw, F, C), strides s, dilation d and padding from an
    image of the output size (H', W') with F channels to one of the input size (H, W) with C channels. Then
        z = conv^T(x) + b,   y = phi(z),
    with H' = H sh + max((kh-1) dh + 1 - sh, 0) for 'valid' and H' = H sh for 'same' (Keras's sizes).
    Backward, with delta = dJ/dz: dJ/dx = conv(delta), dJ/dw = the weight gradient of conv at input delta
    and output gradient x, dJ/db = sum_{n, p, q} delta.

    Args:
        filters: F, the number of output channels.
        kernel_size, strides, padding, dilation_rate, activation, use_bias, kernel_initializer,
        bias_initializer: as `Conv2D` (no groups).
        **kwargs: kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint as `Conv2D`
            (w is (kh, kw, F, C), so ``MaxNorm(3, axis=[0, 1, 2])`` bounds the weights w[:, :, :, c] of
            each input channel), and `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, new_height, new_width, filters).

    Example:
        >>> import numpy as np
        >>> layer = Conv2DTranspose(4, 3, strides=2, padding="same")
        >>> layer(np.zeros((2, 7, 7, 8))).shape
        (2, 14, 14, 4)
        >>> layer.kernel.shape
        (3, 3, 4, 8)

    References:
        Dumoulin & Visin, "A guide to convolution arithmetic for deep learning", 2016.
        Lecture 004 (convolutional networks).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros", **kwargs):
        if kwargs.pop("groups", 1) != 1:
            raise ValueError("Conv2DTranspose: groups are not supported (use Conv2DTranspose per group)")
        super().__init__(filters, kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, **kwargs)

    def build(self, input_shape):
        channels = self._check_channels(input_shape, 1)
        self._add_kernel(self.kernel_size + (self.filters, channels))
        self._add_bias()

    def _output_hw(self, input_hw):
        sizes = []
        for n, k, s, d in zip(input_hw, self.kernel_size, self.strides, self.dilation_rate):
            sizes.append(n * s if self.padding == "same" else n * s + max((k - 1) * d + 1 - s, 0))
        return tuple(sizes)

    def forward(self, x, training=False):
        self.x = x
        self.conv_geometry = self.geometry(self._output_hw(x.shape[1:3]), 1)
        z = conv2d_backward_input(x, self.kernel.value, self.conv_geometry, workspace=self.workspace)
        add_bias(z, self._bias_value(), self._fused_activation)
        return self._activate(z)

    def backward_preactivation(self, dz):
        conv2d_backward_kernel(self.x, dz, None, self.conv_geometry, self.kernel.grad, workspace=self.workspace)
        if self.use_bias:
            self.bias.grad += sum_rows(dz.reshape(-1, self.filters))
        return conv2d_forward(dz, self.kernel.value, None, self.conv_geometry, workspace=self.workspace)[0]

    def compute_output_shape(self, input_shape):
        spatial = input_shape[1:3]
        output_hw = (None, None) if None in spatial else self._output_hw(spatial)
        return (input_shape[0],) + output_hw + (self.filters,)
