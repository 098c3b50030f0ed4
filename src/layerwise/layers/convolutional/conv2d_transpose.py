"""Conv2DTranspose: the transposed convolution, which upsamples (decoders of convolutional autoencoders)."""

from layerwise.layers._spatial import normalize_tuple
from layerwise.layers.convolutional._base_conv import BaseConv
from layerwise.ops.conv import add_bias, sum_rows
from layerwise.ops.conv3d import conv_backward_input, conv_backward_kernel, conv_forward


class Conv2DTranspose(BaseConv):
    """Transposed 2-D convolution: the backward pass of a Conv2D used as a forward pass.

    Let conv be the convolution with kernel w (kh, kw, F, C), strides s, dilation d and padding from an
    image of the output size (H', W') with F channels to one of the input size (H, W) with C channels. Then
        z = conv^T(x) + b,   y = phi(z),
    with H' = H sh + max((kh-1) dh + 1 - sh, 0) for 'valid' and H' = H sh for 'same' (Keras's sizes), or,
    given an output_padding o_h < sh, H' = (H - 1) sh + k' - 2 p + o_h with the dilated kernel size
    k' = (kh-1) dh + 1 and p = k' // 2 for 'same', 0 for 'valid' (Keras's ``deconv_output_length``): the
    extra rows go at the bottom, where no window of conv reaches them ('valid'), or are split as the
    'same' padding of conv splits them.
    Backward, with delta = dJ/dz: dJ/dx = conv(delta), dJ/dw = the weight gradient of conv at input delta
    and output gradient x, dJ/db = sum_{n, p, q} delta.

    Args:
        filters: F, the number of output channels.
        kernel_size, strides, padding, dilation_rate: as `Conv2D`.
        activation, use_bias, kernel_initializer, bias_initializer: as `Conv2D` (no groups).
        output_padding: None (the sizes above) or (o_h, o_w) / one int, each smaller than its stride.
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

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None, dilation_rate=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 **kwargs):
        layer = type(self).__name__
        if kwargs.pop("groups", 1) != 1:
            raise ValueError(f"{layer}: groups are not supported (use one {layer} per group)")
        super().__init__(filters, kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, **kwargs)
        self.output_padding = None if output_padding is None else normalize_tuple(
            output_padding, self.rank, "output_padding", layer, minimum=0)
        if self.output_padding is not None and any(o >= s for o, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{layer}: output_padding {self.output_padding} must be smaller than the "
                             f"strides {self.strides}")

    def _output_hw(self, input_hw):
        """The output's spatial size for an input of spatial size ``input_hw`` (one per spatial axis, None on an
        axis of variable size)."""
        sizes = []
        for axis, (n, k, s, d) in enumerate(zip(input_hw, self.kernel_size, self.strides, self.dilation_rate)):
            dilated = (k - 1) * d + 1
            if n is None:
                sizes.append(None)
            elif self.output_padding is not None:
                pad = dilated // 2 if self.padding == "same" else 0
                sizes.append((n - 1) * s + dilated - 2 * pad + self.output_padding[axis])
            else:
                sizes.append(n * s if self.padding == "same" else n * s + max(dilated - s, 0))
        return tuple(sizes)

    def _conv_geometry(self, input_hw):
        """The geometry of conv (on the image view), checked to lead from the output size back to the input
        size ``input_hw`` (one per spatial axis)."""
        output_hw = self._output_hw(input_hw)
        geometry = self.geometry(self._as_image_tuple(output_hw), 1)
        if geometry.output_hw[-self.rank:] != tuple(input_hw):
            raise ValueError(f"{type(self).__name__} '{self.name}': with output_padding {self.output_padding} "
                             f"the output would be {output_hw}, from which a '{self.padding}' convolution with "
                             f"strides {self.strides} leads to {geometry.output_hw[-self.rank:]}, not to the "
                             f"input size {tuple(input_hw)} (a 'same' even kernel needs an output_padding of at "
                             f"least 1)")
        return geometry

    def build(self, input_shape):
        channels = self._check_channels(input_shape, 1)
        if None not in input_shape[1:-1]:
            self._conv_geometry(tuple(input_shape[1:-1]))
        self._add_kernel(self.kernel_size + (self.filters, channels))
        self._add_bias()

    def forward(self, x, training=False):
        self.x = self._as_images(x)
        self.conv_geometry = self._conv_geometry(x.shape[1:-1])
        z = conv_backward_input(self.x, self._image_kernel(self.kernel.value), self.conv_geometry)
        add_bias(z, self._bias_value(), self._fused_activation)
        return self._activate(self._from_images(z))

    def backward_preactivation(self, dz):
        dz = self._as_images(dz)
        conv_backward_kernel(self.x, dz, None, self.conv_geometry, self._image_kernel(self.kernel.grad))
        if self.use_bias:
            self.bias.grad += sum_rows(dz.reshape(-1, self.filters))
        if not self.needs_input_gradient:
            return None
        return self._from_images(conv_forward(dz, self._image_kernel(self.kernel.value), None, self.conv_geometry)[0])

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._output_hw(tuple(input_shape[1:-1])) + (self.filters,)

    def get_config(self):
        return {**super().get_config(),
                "output_padding": None if self.output_padding is None else list(self.output_padding)}
