"""ConvLSTMCell: one step of a convolutional LSTM, the LSTM's gates with convolutions for products."""

import math

import numpy as np

from layerwise.layers._spatial import (as_image_tuple, as_images, check_rank, from_images, normalize_padding,
                                       normalize_tuple)
from layerwise.layers.recurrent.lstm_cell import LSTMCell
from layerwise.ops.conv import ConvGeometry
from layerwise.ops.conv3d import conv_backward_input, conv_backward_kernel, conv_forward

_AXES = {1: "length", 2: "rows, cols", 3: "depth, rows, cols"}


class ConvLSTMCell(LSTMCell):
    """One step of a convolutional LSTM over ``rank`` spatial axes (1, 2 or 3), for `ConvLSTM1D/2D/3D`.

    Forward, for x_t (N, *S, C) and the states h_{t-1}, c_{t-1} (N, *S', F), with * a convolution:
    z_t = x_t * W + h_{t-1} * U + b (W: ``strides``, ``padding``, ``dilation_rate``; U: stride 1, "same"),
    and then `LSTMCell`'s gates [i, f, c, o] along the channels, position by position. The LSTM's element-wise
    math runs unchanged on the (N S', 4F) rows of z; only the products change: x W and h U become
    convolutions (`layerwise.ops.conv3d`'s dispatch to the 2-D or 3-D kernels; a 1-D step is an image of
    height 1), and in backward dJ/dh_{t-1} = the input gradient of h * U,
    dJ/dU = sum_t the kernel gradient of h_{t-1} * U, dJ/dW and dJ/dx over all steps at once.
    The states reach `RNN` flattened, (N, S' F) per sample, so that its masks and states apply unchanged.

    Args:
        filters: F, the channels of h and c.
        kernel_size, strides, padding ("valid" or "same"), dilation_rate: of the input convolution.
        rank: the number of spatial axes of a step: 1 (N, L, C), 2 (N, H, W, C) or 3 (N, D, H, W, C).
        **kwargs: `LSTMCell` arguments.
    """

    def __init__(self, filters, kernel_size, rank=2, strides=1, padding="valid", dilation_rate=1, **kwargs):
        super().__init__(filters, **kwargs)
        layer = type(self).__name__
        if rank not in _AXES:
            raise ValueError(f"{layer}: rank must be 1, 2 or 3, received {rank!r}")
        self.rank = rank
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size", layer)
        self.strides = normalize_tuple(strides, rank, "strides", layer)
        self.padding = normalize_padding(padding, layer)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate", layer)

    @property
    def filters(self):
        return self.units

    def _geometry(self, spatial, strides, dilation, padding):
        """The `ConvGeometry` of a convolution with the cell's kernel over steps of spatial size ``spatial``."""
        image = lambda values: as_image_tuple(values, self.rank)  # noqa: E731
        return ConvGeometry.create(image(spatial), image(self.kernel_size), image(strides), image(dilation),
                                   padding)

    def spatial_output(self, spatial):
        """S', the spatial size of h and c for steps of spatial size S."""
        output = self._geometry(spatial, self.strides, self.dilation_rate, self.padding).output_hw
        return tuple(output)[-self.rank:]

    def build(self, input_shape):
        check_rank(input_shape, self.rank + 2, f"{type(self).__name__} '{self.name}'",
                   f"(batch, {_AXES[self.rank]}, channels)")
        spatial = tuple(input_shape[1:-1])
        output = self.spatial_output(spatial) if None not in spatial else None
        if output is None or min(output) <= 0:
            raise ValueError(f"{type(self).__name__} '{self.name}': steps of shape {tuple(input_shape[1:])} "
                             f"give states of spatial size {output} with kernel {self.kernel_size}, padding "
                             f"'{self.padding}'; the spatial size must be known and the states non-empty")
        self.geometry = self._geometry(spatial, self.strides, self.dilation_rate, self.padding)
        ones = (1,) * self.rank
        self.recurrent_geometry = self._geometry(output, ones, ones, "same")
        self.state_shape = output + (self.units,)
        self.kernel = self.add_weight("kernel", self.kernel_size + (input_shape[-1], 4 * self.units),
                                      self.kernel_initializer, self.kernel_regularizer, self.kernel_constraint)
        self.recurrent_kernel = self.add_weight("recurrent_kernel", self.kernel_size + (self.units, 4 * self.units),
                                                self.recurrent_initializer, self.recurrent_regularizer,
                                                self.recurrent_constraint)
        self.bias = self.add_weight("bias", (4 * self.units,), self.bias_initializer, self.bias_regularizer,
                                    self.bias_constraint) if self.use_bias else None
        if self.use_bias and self.unit_forget_bias:
            self.bias.value[self.units:2 * self.units] = 1

    @property
    def _image_state(self):
        """The shape of a state as the kernels see it: (*S', F), with a height of 1 for a 1-D cell."""
        return tuple(self.recurrent_geometry.input_hw) + (self.units,)

    def _image_kernel(self, array):
        """A kernel (value or grad) as the kernels see it: a view, (1, k, C, F) for a 1-D cell."""
        return array[None] if self.rank == 1 else array

    @property
    def flat_state_sizes(self):
        return [math.prod(self.state_shape)] * 2

    @property
    def output_size(self):
        return math.prod(self.state_shape)

    # ---- the sequence protocol of `RNN` (see layerwise.layers.recurrent._cell) --------------------------------
    def begin(self, steps, batch, training, inputs=None):
        self.input_keep = (self.keep_mask(inputs.shape[1:], self.dropout) if training and self.dropout
                           else None)
        self.recurrent_keep = (self.keep_mask((batch,) + self._image_state, self.recurrent_dropout)
                               if training and self.recurrent_dropout else None)
        if self.input_keep is not None:
            inputs = inputs * self.input_keep
        self.inputs = as_images(inputs.reshape((steps * batch,) + inputs.shape[2:]), self.rank)
        projections, _ = conv_forward(self.inputs, self._image_kernel(self.kernel.value),
                                      self.bias.value if self.use_bias else None, self.geometry)
        rows = batch * math.prod(self.state_shape[:-1])
        self.projections = projections.reshape(steps, rows, 4 * self.units)
        self.whole_sequence = True
        self.previous = [None] * steps
        self.recurrent_inputs_by_step = np.empty((steps, batch) + self._image_state, self.dtype)
        self.d_inputs = np.empty((steps, rows, 4 * self.units), self.dtype)
        self.allocate(steps, rows)

    def step(self, t, x_t, states):
        batch = len(states[0])
        self.previous[t] = [state.reshape(-1, self.units) for state in states]
        h_rec = self.recurrent_inputs_by_step[t]
        np.multiply(states[0].reshape(h_rec.shape), 1 if self.recurrent_keep is None else self.recurrent_keep,
                    out=h_rec)
        new_states = [state.reshape(batch, -1) for state in self.advance(t, self.projections[t], self.previous[t],
                                                                          h_rec)]
        return new_states[0], new_states

    def recurrent_product(self, h_rec, out):
        z, _ = conv_forward(h_rec, self._image_kernel(self.recurrent_kernel.value), None, self.recurrent_geometry)
        out[...] = z.reshape(out.shape)

    def step_backward(self, t, d_output, d_states):
        batch = len(d_states[0])
        rows = [(d_states[0] + d_output).reshape(-1, self.units), d_states[1].reshape(-1, self.units)]
        return None, [d.reshape(batch, -1) for d in self.advance_backward(t, rows)]

    def recurrent_backward(self, d_preactivation, kernel):
        batch = self.recurrent_inputs_by_step.shape[1]
        d_z = d_preactivation.reshape((batch,) + self._image_state[:-1] + (-1,))
        d_h = conv_backward_input(d_z, self._image_kernel(kernel), self.recurrent_geometry)
        if self.recurrent_keep is not None:
            d_h *= self.recurrent_keep
        return d_h.reshape(-1, self.units)

    def _d_maps(self):
        """dJ/dz of every step as feature maps (steps N, *S', 4F)."""
        return self.d_inputs.reshape((-1,) + self._image_state[:-1] + (4 * self.units,))

    def accumulate_recurrent_grads(self):
        h_rec = self.recurrent_inputs_by_step.reshape((-1,) + self._image_state)
        conv_backward_kernel(self._d_maps(), h_rec, None, self.recurrent_geometry,
                             self._image_kernel(self.recurrent_kernel.grad))

    def finish_backward(self, input_gradient=True):
        steps, batch = self.recurrent_inputs_by_step.shape[:2]
        self.accumulate_recurrent_grads()
        d_maps = self._d_maps()
        conv_backward_kernel(d_maps, self.inputs, None, self.geometry, self._image_kernel(self.kernel.grad),
                             self.bias.grad if self.use_bias else None)
        if not input_gradient:
            return None
        dx = from_images(conv_backward_input(d_maps, self._image_kernel(self.kernel.value), self.geometry),
                         self.rank)
        dx = dx.reshape((steps, batch) + dx.shape[1:])
        if self.input_keep is not None:
            dx *= self.input_keep
        return dx

    def compute_output_shape(self, input_shape):
        return (input_shape[0],) + self.spatial_output(tuple(input_shape[1:-1])) + (self.units,)

    def get_config(self):
        config = super().get_config()
        del config["units"]
        return {**config, "filters": self.units, "kernel_size": list(self.kernel_size), "rank": self.rank,
                "strides": list(self.strides), "padding": self.padding, "dilation_rate": list(self.dilation_rate)}
