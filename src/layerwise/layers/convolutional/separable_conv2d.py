"""SeparableConv2D: a depthwise convolution, then a pointwise (1 x 1) one that mixes the channels."""

from layerwise import initializers
from layerwise.layers.convolutional._base_conv import BaseConv
from layerwise.ops.conv import ConvGeometry
from layerwise.ops.conv3d import conv_backward_input, conv_backward_kernel, conv_forward
from layerwise.utils._arguments import check_integer


class SeparableConv2D(BaseConv):
    """Depthwise separable 2-D convolution: y = phi(pointwise(depthwise(x)) + b).

    With the depthwise kernel u (kh, kw, C, M) (M the depth multiplier) and the pointwise kernel
    v (1, 1, C M, F):
        h[n, p, q, c M + m] = sum_{i, j} u[i, j, c, m] x_p[n, p*sh + i*dh, q*sw + j*dw, c]   (`DepthwiseConv2D`),
        z[n, p, q, f] = b[f] + sum_k v[0, 0, k, f] h[n, p, q, k],   y = phi(z).
    Backward, with delta = dJ/dz = dJ/dy * phi'(z), by the chain rule through the two convolutions:
        dJ/dv[0, 0, k, f] = sum_{n, p, q} h[n, p, q, k] delta[n, p, q, f],   dJ/db[f] = sum_{n, p, q} delta,
        dJ/dh = delta v^T (the input gradient of the 1 x 1 convolution),
        dJ/du, dJ/dx = the weight and input gradients of the depthwise convolution (C groups) at dJ/dh.
    It costs kh kw C M + C M F weights instead of the kh kw C F of a `Conv2D`.

    Args:
        filters: F, the number of output channels.
        kernel_size: (kh, kw) or one int: the depthwise window.
        strides: (sh, sw) or one int, of the depthwise convolution.
        padding: "valid" or "same" (as `Conv2D`).
        dilation_rate: (dh, dw) or one int, of the depthwise convolution.
        depth_multiplier: M, depthwise output channels per input channel.
        activation: phi (None: linear).
        use_bias: whether to add b.
        depthwise_initializer: initializer of u (default "glorot_uniform").
        pointwise_initializer: initializer of v (default "glorot_uniform").
        bias_initializer: initializer of b (default "zeros").
        depthwise_regularizer: penalty R(u) added to the loss.
        pointwise_regularizer: penalty R(v).
        bias_regularizer: penalty R(b).
        depthwise_constraint: projection of u after each update.
        pointwise_constraint: projection of v after each update.
        bias_constraint: projection of b after each update.
        **kwargs: `Layer` arguments (name, dtype, input_shape, trainable, activity_regularizer).

    Input shape:
        (batch, height, width, channels).

    Output shape:
        (batch, new_height, new_width, filters).

    Example:
        >>> import numpy as np
        >>> layer = SeparableConv2D(8, 3, padding="same", depth_multiplier=2)
        >>> layer(np.zeros((2, 6, 6, 3))).shape
        (2, 6, 6, 8)
        >>> layer.depthwise_kernel.shape, layer.pointwise_kernel.shape
        ((3, 3, 3, 2), (1, 1, 6, 8))

    References:
        Chollet, "Xception: Deep Learning with Depthwise Separable Convolutions", CVPR 2017.
        Sifre, "Rigid-Motion Scattering for Image Classification", PhD thesis, 2014.
        Lecture 004 (convolutional networks).
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, depth_multiplier=1,
                 activation=None, use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        layer = type(self).__name__
        unexpected = sorted({"groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"} & set(kwargs))
        if unexpected:
            raise TypeError(f"{layer} got unexpected keyword arguments {unexpected} (its two kernels take the "
                            f"depthwise_ and pointwise_ arguments)")
        super().__init__(check_integer(filters, "filters", layer), kernel_size, strides=strides, padding=padding,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         bias_constraint=bias_constraint, **kwargs)
        self.depth_multiplier = check_integer(depth_multiplier, "depth_multiplier", layer)
        self.depthwise_initializer = depthwise_initializer
        self.pointwise_initializer = pointwise_initializer
        self.set_weight_options(depthwise_regularizer=depthwise_regularizer,
                                pointwise_regularizer=pointwise_regularizer,
                                depthwise_constraint=depthwise_constraint, pointwise_constraint=pointwise_constraint)

    def build(self, input_shape):
        channels = self._check_channels(input_shape, 1)
        self._check_output_size(input_shape, channels)
        self.depthwise_kernel = self.add_weight(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier), self.depthwise_initializer,
            self.depthwise_regularizer, self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            "pointwise_kernel", (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            self.pointwise_initializer, self.pointwise_regularizer, self.pointwise_constraint)
        self._add_bias()

    def _depthwise_image_kernel(self, array):
        """u (or its gradient) as the grouped kernel (kh, kw, 1, C M) of a convolution with C groups; a view."""
        return array.reshape(self._as_image_tuple(self.kernel_size) + (1, -1))

    def forward(self, x, training=False):
        self.x = self._as_images(x)
        self.depthwise_geometry = self.geometry(self.x.shape[1:-1], self.x.shape[-1])
        self.h, self.depthwise_columns = conv_forward(
            self.x, self._depthwise_image_kernel(self.depthwise_kernel.value), None, self.depthwise_geometry,
            keep_columns=training)
        ones = (1,) * (self.h.ndim - 2)
        self.pointwise_geometry = ConvGeometry.create(self.h.shape[1:-1], ones, ones, ones, "valid")
        z, self.pointwise_columns = conv_forward(
            self.h, self._image_kernel(self.pointwise_kernel.value), self._bias_value(), self.pointwise_geometry,
            keep_columns=training, activation=self._fused_activation)
        return self._activate(self._from_images(z))

    def backward_preactivation(self, dz):
        dz = self._as_images(dz)
        conv_backward_kernel(dz, self.h, self.pointwise_columns, self.pointwise_geometry,
                             self._image_kernel(self.pointwise_kernel.grad), self._bias_grad())
        dh = conv_backward_input(dz, self._image_kernel(self.pointwise_kernel.value), self.pointwise_geometry)
        conv_backward_kernel(dh, self.x, self.depthwise_columns, self.depthwise_geometry,
                             self._depthwise_image_kernel(self.depthwise_kernel.grad))
        self.depthwise_columns = self.pointwise_columns = None
        if not self.needs_input_gradient:
            return None
        return self._from_images(conv_backward_input(dh, self._depthwise_image_kernel(self.depthwise_kernel.value),
                                                     self.depthwise_geometry))

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self._spatial_output(input_shape, 1) + (self.filters,)

    def get_config(self):
        config = super().get_config()
        for name in ("kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            del config[name]
        return {**config, "depth_multiplier": self.depth_multiplier,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                **self.weight_options_config("depthwise_regularizer", "pointwise_regularizer",
                                             "depthwise_constraint", "pointwise_constraint")}
