"""PyTorch parity (float64) of Conv3D, Conv1DTranspose, Conv3DTranspose, SeparableConv1D and SeparableConv2D:
outputs, input gradients and every parameter gradient, over paddings, strides, dilations and groups.

Layouts as in test_conv_parity.py: layerwise is channels-last with kernels (..., C/g, F) (transposed:
(..., F, C)); torch is channels-first with weights (F, C/g, ...) (transposed: (C, F, ...)). Keras's 'same'
padding and transposed output sizes are computed there independently of the library.
"""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import layers
from test_conv_parity import TOL, _transposed_size, keras_pads, run_both


def _torch_pads(sizes, kernel, strides, dilation, padding):
    """F.pad's argument (last axis first) for Keras's padding of each spatial axis."""
    pads = [keras_pads(n, k, s, d, padding) for n, k, s, d in zip(sizes, kernel, strides, dilation)]
    return [amount for before, after in reversed(pads) for amount in (before, after)]


def _check_grads(layer, names, torch_weights):
    for name, weight in zip(names, torch_weights):
        np.testing.assert_allclose(getattr(layer, name).grad, weight.grad.numpy(), **TOL)


CONV3D_CASES = [
    # (D, H, W, C, filters, kernel, strides, padding, dilation, groups)
    (4, 5, 6, 2, 3, (2, 3, 2), (1, 1, 1), "valid", (1, 1, 1), 1),
    (5, 5, 4, 3, 4, (3, 3, 3), (1, 1, 1), "same", (1, 1, 1), 1),
    (6, 7, 5, 2, 3, (2, 2, 3), (2, 3, 1), "same", (1, 1, 1), 1),
    (7, 5, 6, 2, 2, (3, 2, 2), (1, 1, 1), "same", (2, 1, 2), 1),
    (6, 6, 6, 4, 6, (3, 2, 3), (2, 2, 1), "valid", (1, 2, 1), 2),
    (5, 4, 6, 6, 3, (2, 3, 3), (3, 1, 2), "same", (1, 1, 1), 3),
]


@pytest.mark.parametrize("case", CONV3D_CASES, ids=[str(c) for c in CONV3D_CASES])
def test_conv3d_matches_torch(case, float64, rng):
    d, h, w, c, filters, kernel, strides, padding, dilation, groups = case
    layer = layers.Conv3D(filters, kernel, strides=strides, padding=padding, dilation_rate=dilation, groups=groups,
                          activation="tanh", bias_initializer="random_normal")
    x = rng.normal(size=(3, d, h, w, c))
    pads = _torch_pads((d, h, w), kernel, strides, dilation, padding)

    def forward(xt, kernel_t, bias_t):
        weight = kernel_t.permute(4, 3, 0, 1, 2)
        return torch.tanh(F.conv3d(F.pad(xt, pads), weight, bias_t, strides, 0, dilation, groups))

    weights = run_both(layer, x, forward, lambda l: [l.kernel.value, l.bias.value], rng)
    _check_grads(layer, ["kernel", "bias"], weights)


def test_conv3d_without_bias_and_relu_matches_torch(float64, rng):
    layer = layers.Conv3D(2, 2, strides=2, padding="same", activation="relu", use_bias=False)
    x = rng.normal(size=(2, 5, 4, 3, 3))
    pads = _torch_pads((5, 4, 3), (2, 2, 2), (2, 2, 2), (1, 1, 1), "same")

    def forward(xt, kernel_t):
        return torch.relu(F.conv3d(F.pad(xt, pads), kernel_t.permute(4, 3, 0, 1, 2), None, 2))

    weights = run_both(layer, x, forward, lambda l: [l.kernel.value], rng)
    _check_grads(layer, ["kernel"], weights)


def _transposed_forward(rank, kernel, strides, dilation, padding, output_padding, input_sizes):
    """Keras's transposed convolution in torch: the full conv_transpose cropped (or zero-extended) to the
    output size, plus the bias."""
    out = [_transposed_size(n, k, s, d, padding, None if output_padding is None else output_padding[axis])
           for axis, (n, k, s, d) in enumerate(zip(input_sizes, kernel, strides, dilation))]
    befores = [keras_pads(n, k, s, d, padding)[0] for n, k, s, d in zip(out, kernel, strides, dilation)]
    conv_transpose = {1: F.conv_transpose1d, 3: F.conv_transpose3d}[rank]
    permutation = (rank + 1, rank) + tuple(range(rank))  # (..., F, C) -> (C, F, ...)

    def forward(xt, kernel_t, bias_t):
        full = conv_transpose(xt, kernel_t.permute(*permutation), None, strides, dilation=dilation)
        crop = [amount for axis in reversed(range(rank))
                for amount in (-befores[axis], -(full.shape[2 + axis] - befores[axis] - out[axis]))]
        return F.pad(full, crop) + bias_t.reshape((-1,) + (1,) * rank)
    return forward


@pytest.mark.parametrize("kernel, strides, padding, dilation, output_padding", [
    (3, 2, "same", 1, None), (4, 2, "same", 1, None), (3, 1, "valid", 1, None), (2, 3, "valid", 1, None),
    (3, 1, "same", 2, None), (3, 2, "valid", 1, (1,)), (3, 3, "same", 1, (2,)), (4, 2, "same", 1, (1,)),
    (2, 3, "valid", 2, (2,))])
def test_conv1d_transpose_matches_torch(kernel, strides, padding, dilation, output_padding, float64, rng):
    layer = layers.Conv1DTranspose(3, kernel, strides=strides, padding=padding, dilation_rate=dilation,
                                   output_padding=output_padding, bias_initializer="random_normal")
    x = rng.normal(size=(2, 5, 2))
    forward = _transposed_forward(1, (kernel,), (strides,), (dilation,), padding, output_padding, (5,))
    weights = run_both(layer, x, forward, lambda l: [l.kernel.value, l.bias.value], rng)
    _check_grads(layer, ["kernel", "bias"], weights)


@pytest.mark.parametrize("kernel, strides, padding, dilation, output_padding", [
    ((3, 3, 3), (2, 2, 2), "same", (1, 1, 1), None), ((2, 4, 3), (2, 2, 1), "same", (1, 1, 1), None),
    ((3, 2, 2), (1, 1, 1), "valid", (1, 1, 1), None), ((2, 3, 2), (3, 2, 3), "valid", (1, 1, 1), None),
    ((3, 2, 3), (1, 1, 1), "same", (2, 1, 2), None), ((3, 3, 2), (2, 3, 2), "valid", (1, 1, 1), (1, 2, 0)),
    ((4, 3, 3), (2, 3, 2), "same", (1, 1, 1), (1, 2, 1)), ((2, 2, 3), (3, 2, 2), "valid", (2, 1, 1), (2, 1, 1))])
def test_conv3d_transpose_matches_torch(kernel, strides, padding, dilation, output_padding, float64, rng):
    layer = layers.Conv3DTranspose(3, kernel, strides=strides, padding=padding, dilation_rate=dilation,
                                   output_padding=output_padding, bias_initializer="random_normal")
    x = rng.normal(size=(2, 3, 4, 3, 2))
    forward = _transposed_forward(3, kernel, strides, dilation, padding, output_padding, (3, 4, 3))
    weights = run_both(layer, x, forward, lambda l: [l.kernel.value, l.bias.value], rng)
    _check_grads(layer, ["kernel", "bias"], weights)


def _separable_forward(rank, channels, multiplier, kernel, strides, dilation, padding, sizes, activation):
    """Depthwise convolution (groups = C) then a 1 x 1 convolution with the bias, as torch sees it."""
    convolution = {1: F.conv1d, 2: F.conv2d}[rank]
    pads = _torch_pads(sizes, kernel, strides, dilation, padding)

    def forward(xt, depthwise_t, pointwise_t, bias_t):
        depthwise = depthwise_t.reshape(tuple(kernel) + (channels * multiplier,)).permute(rank, *range(rank))
        h = convolution(F.pad(xt, pads), depthwise[:, None], None, strides, 0, dilation, channels)
        pointwise = pointwise_t.reshape(channels * multiplier, -1).T.reshape((-1, channels * multiplier)
                                                                             + (1,) * rank)
        return activation(convolution(h, pointwise, bias_t))
    return forward


SEPARABLE2D_CASES = [
    # (H, W, C, filters, kernel, strides, padding, dilation, multiplier)
    (7, 8, 3, 4, (3, 3), (1, 1), "same", (1, 1), 1),
    (8, 7, 2, 5, (3, 2), (2, 2), "same", (1, 1), 2),
    (9, 9, 3, 2, (2, 3), (1, 1), "valid", (2, 2), 3),
    (10, 8, 2, 3, (3, 3), (3, 2), "valid", (1, 1), 2),
]


@pytest.mark.parametrize("case", SEPARABLE2D_CASES, ids=[str(c) for c in SEPARABLE2D_CASES])
def test_separable_conv2d_matches_torch(case, float64, rng):
    h, w, c, filters, kernel, strides, padding, dilation, multiplier = case
    layer = layers.SeparableConv2D(filters, kernel, strides=strides, padding=padding, dilation_rate=dilation,
                                   depth_multiplier=multiplier, activation="tanh", bias_initializer="random_normal")
    x = rng.normal(size=(3, h, w, c))
    forward = _separable_forward(2, c, multiplier, kernel, strides, dilation, padding, (h, w), torch.tanh)
    names = ["depthwise_kernel", "pointwise_kernel", "bias"]
    weights = run_both(layer, x, forward, lambda l: [getattr(l, name).value for name in names], rng)
    _check_grads(layer, names, weights)


@pytest.mark.parametrize("kernel, strides, padding, dilation, multiplier", [
    (3, 1, "valid", 1, 1), (3, 2, "same", 1, 2), (2, 1, "same", 2, 3), (4, 3, "valid", 1, 2)])
def test_separable_conv1d_matches_torch(kernel, strides, padding, dilation, multiplier, float64, rng):
    layer = layers.SeparableConv1D(4, kernel, strides=strides, padding=padding, dilation_rate=dilation,
                                   depth_multiplier=multiplier, bias_initializer="random_normal")
    x = rng.normal(size=(2, 11, 3))
    forward = _separable_forward(1, 3, multiplier, (kernel,), (strides,), (dilation,), padding, (11,),
                                 lambda z: z)
    names = ["depthwise_kernel", "pointwise_kernel", "bias"]
    weights = run_both(layer, x, forward, lambda l: [getattr(l, name).value for name in names], rng)
    _check_grads(layer, names, weights)
