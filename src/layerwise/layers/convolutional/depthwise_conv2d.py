"""DepthwiseConv2D: one spatial filter bank per input channel, no mixing across channels."""

from layerwise.layers.convolutional.conv2d import Conv2D
from layerwise.utils._arguments import check_integer


class DepthwiseConv2D(Conv2D):
    """Depthwise 2-D convolution: each channel is convolved with its own depth_multiplier kernels.

    With w (kh, kw, C, M) (M the depth multiplier), output channel c*M + m is
        z[n, p, q, c*M + m] = b[c*M + m] + sum_{i, j} w[i, j, c, m] x_p[n, p*sh + i*dh, q*sw + j*dw, c],
    i.e. a `Conv2D` with C groups of one input channel each; gradients are Conv2D's with g = C.

    Args:
        kernel_size: (kh, kw) or one int.
        strides, padding, dilation_rate, activation, use_bias, bias_initializer: as `Conv2D`.
        depth_multiplier: M, output channels per input channel.
        depthwise_initializer: initializer of w (default "glorot_uniform").
        depthwise_regularizer: penalty R(w) added to the loss.
        depthwise_constraint: projection of w after each update (``MaxNorm(3, axis=[0, 1])`` bounds each
            kernel w[:, :, c, m]).
        **kwargs: bias_regularizer, bias_constraint as `Conv2D`, and `Layer` arguments.

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, new_height, new_width, channels * depth_multiplier).

    Example:
        >>> import numpy as np
        >>> layer = DepthwiseConv2D(3, depth_multiplier=2, padding="same")
        >>> layer(np.zeros((1, 5, 5, 4))).shape
        (1, 5, 5, 8)
        >>> layer.kernel.shape
        (3, 3, 4, 2)

    References:
        Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017.
        Lecture 004 (convolutional networks).
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1, dilation_rate=1,
                 activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None, depthwise_constraint=None, **kwargs):
        super().__init__(None, kernel_size, strides=strides, padding=padding, dilation_rate=dilation_rate,
                         activation=activation, use_bias=use_bias, kernel_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=depthwise_regularizer,
                         kernel_constraint=depthwise_constraint, **kwargs)
        self.depth_multiplier = check_integer(depth_multiplier, "depth_multiplier", "DepthwiseConv2D")

    def build(self, input_shape):
        channels = self._check_channels(input_shape, 1)
        self.groups, self.filters = channels, channels * self.depth_multiplier
        self._check_output_size(input_shape, self.groups)
        self._add_kernel(self.kernel_size + (channels, self.depth_multiplier))
        self._add_bias()

    def _image_kernel(self, array):
        return array.reshape(self._as_image_tuple(self.kernel_size) + (1, self.filters))

    def compute_output_shape(self, input_shape):
        groups = input_shape[-1]
        return (input_shape[0],) + self._spatial_output(input_shape, groups) + (groups * self.depth_multiplier,)

    def get_config(self):
        config = super().get_config()
        del config["filters"], config["groups"]
        for suffix in ("initializer", "regularizer", "constraint"):
            config[f"depthwise_{suffix}"] = config.pop(f"kernel_{suffix}")
        return {**config, "depth_multiplier": self.depth_multiplier}
