"""The machinery every convolution layer shares: arguments, geometry, activation and channels-last views."""

from layerwise import activations, initializers
from layerwise.layers._spatial import (LAYOUTS, as_image_tuple, as_images, check_rank, from_images,
                                       normalize_padding, normalize_tuple)
from layerwise.layers.base import Layer
from layerwise.ops.conv import ConvGeometry
from layerwise.utils._arguments import check_integer


class BaseConv(Layer):
    """A convolution over ``rank`` spatial axes (1, 2 or 3), computed by the kernels of `layerwise.ops.conv3d`.

    A 1-D input (N, L, C) is viewed as an image (N, 1, L, C) with a (1, k) kernel; 2-D and 3-D inputs are
    taken as they are. Subclasses say how their kernel maps onto a grouped kernel of that image rank
    (kh, kw, C/g, F) or (kd, kh, kw, C/g, F) (`_image_kernel`) and run forward/backward; their `build`
    creates the weights through `_add_kernel` and `_add_bias`, which attach the regularizers and constraints.
    """

    rank = 2
    paddings = ("valid", "same")
    memory_bound = True

    def __init__(self, filters, kernel_size, strides=1, padding="valid", dilation_rate=1, groups=1,
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        layer = type(self).__name__
        check_integer(filters, "filters", layer, allow_none=True)
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, self.rank, "kernel_size", layer)
        self.strides = normalize_tuple(strides, self.rank, "strides", layer)
        self.padding = normalize_padding(padding, layer, self.paddings)
        self.dilation_rate = normalize_tuple(dilation_rate, self.rank, "dilation_rate", layer)
        self.groups = normalize_tuple(groups, 1, "groups", layer)[0]
        if filters is not None and filters % self.groups:
            raise ValueError(f"{layer}: filters ({filters}) must be divisible by groups ({self.groups})")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self.set_weight_options(kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                                kernel_constraint=kernel_constraint, bias_constraint=bias_constraint)

    @property
    def output_activation(self):
        return self.activation

    # ---- channels-last views: a 1-D layer is a 2-D one of height 1 ------------------------------------
    def _as_image_tuple(self, values):
        return as_image_tuple(values, self.rank)

    def _as_images(self, x):
        return as_images(x, self.rank)

    def _from_images(self, y):
        return from_images(y, self.rank)

    def _image_kernel(self, array):
        """The kernel (or its gradient) as a grouped kernel of the image rank, (..., C/g, F); a view."""
        return array if self.rank >= 2 else array[None]

    def _check_channels(self, input_shape, groups):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'", LAYOUTS[self.rank])
        channels = input_shape[-1]
        if channels is None or channels % groups:
            raise ValueError(f"{type(self).__name__} '{self.name}': the input channels ({channels}) must be "
                             f"known and divisible by groups ({groups})")
        return channels

    def geometry(self, input_hw, groups):
        """The `ConvGeometry` of this layer for an input of image size ``input_hw`` ((H, W) or (D, H, W))."""
        return ConvGeometry.create(input_hw, self._as_image_tuple(self.kernel_size),
                                   self._as_image_tuple(self.strides), self._as_image_tuple(self.dilation_rate),
                                   self.padding, groups)

    # ---- the activation, applied in place with the bias when its derivative reads only the output -----
    @property
    def _fused_activation(self):
        """phi(z, out=z) for the kernels to apply with the bias, or None when backward needs z itself or phi
        is the identity (whose in-place application would be a copy of z onto itself)."""
        if self.activation.reads == "input" or self.activation.name == "linear":
            return None
        return self.activation.forward

    def _activate(self, z):
        """Keep z and y for backward; y = phi(z) unless the kernel already applied phi in place."""
        if self._fused_activation is None:
            self.z, self.y = z, self.activation.forward(z)
        else:
            self.z, self.y = None, z
        return self.y

    def backward(self, dy):
        return self.backward_preactivation(self.activation.backward(dy, self.z, self.y))

    def _add_kernel(self, shape):
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer, self.kernel_regularizer,
                                      self.kernel_constraint)

    def _add_bias(self):
        self.bias = self.add_weight("bias", (self.filters,), self.bias_initializer, self.bias_regularizer,
                                    self.bias_constraint) if self.use_bias else None

    def _bias_value(self):
        return self.bias.value if self.use_bias else None

    def _bias_grad(self):
        return self.bias.grad if self.use_bias else None

    def _spatial_output(self, input_shape, groups):
        """The output's spatial size; None on each axis whose input size is None (the axes are independent)."""
        spatial = tuple(input_shape[1:-1])
        known = tuple(1 if n is None else n for n in spatial)
        output_hw = self.geometry(self._as_image_tuple(known), groups).output_hw[-self.rank:]
        return tuple(None if n is None else size for n, size in zip(spatial, output_hw))

    def _check_output_size(self, input_shape, groups):
        spatial = self._spatial_output(input_shape, groups)
        if any(size is not None and size <= 0 for size in spatial):
            raise ValueError(f"{type(self).__name__} '{self.name}': input of shape {tuple(input_shape)} is "
                             f"smaller than the dilated kernel {self.kernel_size} with padding "
                             f"'{self.padding}' (output size {spatial})")

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding,
                "dilation_rate": list(self.dilation_rate), "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias, "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                **self.weight_options_config("kernel_regularizer", "bias_regularizer", "kernel_constraint",
                                             "bias_constraint")}
