"""PyTorch parity (float64) of the convolution layers: outputs, input gradients and weight gradients.

Layouts: layerwise is NHWC with kernels (kh, kw, C/g, F); torch is NCHW with weights (F, C/g, kh, kw).
Keras's 'same' padding is computed here independently, pad_total = max((ceil(n/s) - 1) s + (k-1) d + 1 - n, 0)
with the extra element at the end, and applied to torch with F.pad.
"""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import layers

TOL = dict(rtol=1e-9, atol=1e-10)


def keras_pads(length, kernel, stride, dilation, padding):
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return (kernel - 1) * dilation, 0
    total = max((math.ceil(length / stride) - 1) * stride + (kernel - 1) * dilation + 1 - length, 0)
    return total // 2, total - total // 2


def to_nchw(x):
    return torch.tensor(np.moveaxis(x, -1, 1).copy(), requires_grad=True)


def from_nchw(t):
    return np.moveaxis(t.detach().numpy(), 1, -1)


def run_both(layer, x, torch_forward, torch_weights, rng):
    """Forward and backward in both libraries with the same weights and dJ/dy; compare everything."""
    y = layer(x, training=True)
    weights = [torch.tensor(w, requires_grad=True) for w in torch_weights(layer)]
    xt = to_nchw(x)
    yt = torch_forward(xt, *weights)
    assert y.shape == from_nchw(yt).shape
    np.testing.assert_allclose(y, from_nchw(yt), **TOL)
    dy = rng.normal(size=y.shape)
    for p in layer.weights:
        p.grad[...] = 0
    dx = layer.backward(dy)
    yt.backward(to_nchw(dy).detach())
    np.testing.assert_allclose(dx, from_nchw(xt.grad), **TOL)
    return weights


CONV2D_CASES = [
    # (H, W, C, filters, kernel, strides, padding, dilation, groups)
    (7, 9, 3, 4, (3, 3), (1, 1), "same", (1, 1), 1),
    (8, 8, 2, 3, (2, 2), (1, 1), "same", (1, 1), 1),
    (9, 7, 2, 3, (4, 3), (2, 2), "same", (1, 1), 1),
    (10, 11, 3, 2, (2, 4), (3, 3), "same", (1, 1), 1),
    (11, 10, 3, 2, (3, 3), (3, 2), "valid", (1, 1), 1),
    (9, 9, 2, 4, (3, 2), (1, 1), "same", (2, 3), 1),
    (12, 10, 4, 6, (3, 3), (2, 1), "valid", (2, 2), 2),
    (7, 8, 6, 6, (2, 3), (2, 3), "same", (1, 1), 3),
    (6, 6, 1, 5, (5, 5), (1, 1), "valid", (1, 1), 1),
]


@pytest.mark.parametrize("case", CONV2D_CASES, ids=[str(c) for c in CONV2D_CASES])
def test_conv2d_matches_torch(case, float64, rng):
    h, w, c, filters, kernel, strides, padding, dilation, groups = case
    layer = layers.Conv2D(filters, kernel, strides=strides, padding=padding, dilation_rate=dilation,
                          groups=groups, activation="tanh", bias_initializer="random_normal")
    x = rng.normal(size=(3, h, w, c))
    (top, bottom), (left, right) = (keras_pads(n, k, s, d, padding)
                                    for n, k, s, d in zip((h, w), kernel, strides, dilation))

    def forward(xt, kernel_t, bias_t):
        xp = F.pad(xt, (left, right, top, bottom))
        return torch.tanh(F.conv2d(xp, kernel_t.permute(3, 2, 0, 1), bias_t, strides, 0, dilation, groups))

    kernel_t, bias_t = run_both(layer, x, forward, lambda l: [l.kernel.value, l.bias.value], rng)
    np.testing.assert_allclose(layer.kernel.grad, kernel_t.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.bias.grad, bias_t.grad.numpy(), **TOL)


@pytest.mark.parametrize("padding, strides, dilation", [("valid", 1, 1), ("same", 2, 1), ("causal", 1, 2)])
def test_conv1d_matches_torch(padding, strides, dilation, float64, rng):
    layer = layers.Conv1D(4, 3, strides=strides, padding=padding, dilation_rate=dilation,
                          bias_initializer="random_normal")
    x = rng.normal(size=(2, 11, 3))
    before, after = keras_pads(11, 3, strides, dilation, padding)

    def forward(xt, kernel_t, bias_t):
        return F.conv1d(F.pad(xt, (before, after)), kernel_t.permute(2, 1, 0), bias_t, strides, 0, dilation)

    kernel_t, bias_t = run_both(layer, x, forward, lambda l: [l.kernel.value, l.bias.value], rng)
    np.testing.assert_allclose(layer.kernel.grad, kernel_t.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.bias.grad, bias_t.grad.numpy(), **TOL)


@pytest.mark.parametrize("padding, strides, multiplier", [("same", (1, 1), 2), ("valid", (2, 3), 1),
                                                          ("same", (2, 2), 3)])
def test_depthwise_conv2d_matches_torch(padding, strides, multiplier, float64, rng):
    layer = layers.DepthwiseConv2D(3, strides=strides, padding=padding, depth_multiplier=multiplier,
                                   bias_initializer="random_normal")
    x = rng.normal(size=(2, 8, 7, 3))
    (top, bottom), (left, right) = (keras_pads(n, 3, s, 1, padding) for n, s in zip((8, 7), strides))

    def forward(xt, kernel_t, bias_t):
        weight = kernel_t.reshape(3, 3, 3 * multiplier).permute(2, 0, 1)[:, None]
        return F.conv2d(F.pad(xt, (left, right, top, bottom)), weight, bias_t, strides, groups=3)

    kernel_t, bias_t = run_both(layer, x, forward, lambda l: [l.kernel.value, l.bias.value], rng)
    np.testing.assert_allclose(layer.kernel.grad, kernel_t.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.bias.grad, bias_t.grad.numpy(), **TOL)


def _transposed_size(n, k, s, d, padding, output_padding):
    """Keras's deconv_output_length."""
    dilated = (k - 1) * d + 1
    if output_padding is None:
        return n * s if padding == "same" else n * s + max(dilated - s, 0)
    return (n - 1) * s + dilated - 2 * (dilated // 2 if padding == "same" else 0) + output_padding


@pytest.mark.parametrize("kernel, strides, padding, dilation, output_padding", [
    ((3, 3), (2, 2), "same", (1, 1), None), ((4, 4), (2, 2), "same", (1, 1), None),
    ((3, 2), (1, 1), "valid", (1, 1), None), ((2, 3), (3, 2), "valid", (1, 1), None),
    ((3, 3), (1, 1), "same", (2, 2), None), ((3, 3), (3, 3), "same", (1, 1), None),
    ((3, 3), (2, 2), "valid", (1, 1), (1, 0)), ((3, 3), (3, 2), "same", (1, 1), (2, 1)),
    ((4, 4), (2, 2), "same", (1, 1), (1, 1)), ((2, 3), (3, 2), "valid", (1, 2), (2, 1))])
def test_conv2d_transpose_matches_torch(kernel, strides, padding, dilation, output_padding, float64, rng):
    layer = layers.Conv2DTranspose(3, kernel, strides=strides, padding=padding, dilation_rate=dilation,
                                   output_padding=output_padding, bias_initializer="random_normal")
    x = rng.normal(size=(2, 4, 5, 2))
    out_hw = [_transposed_size(n, k, s, d, padding, None if output_padding is None else output_padding[axis])
              for axis, (n, k, s, d) in enumerate(zip((4, 5), kernel, strides, dilation))]
    pads = [keras_pads(n, k, s, d, padding) for n, k, s, d in zip(out_hw, kernel, strides, dilation)]

    def forward(xt, kernel_t, bias_t):
        full = F.conv_transpose2d(xt, kernel_t.permute(3, 2, 0, 1), None, strides, dilation=dilation)
        # Keras's output is rows pad_before .. pad_before + H' of the full transposed convolution, zero
        # beyond its end (a kernel smaller than the stride), plus the bias everywhere
        crop = [(before, full.shape[2 + axis] - before - out_hw[axis]) for axis, (before, _) in enumerate(pads)]
        return F.pad(full, (-crop[1][0], -crop[1][1], -crop[0][0], -crop[0][1])) + bias_t[:, None, None]

    kernel_t, bias_t = run_both(layer, x, forward, lambda l: [l.kernel.value, l.bias.value], rng)
    np.testing.assert_allclose(layer.kernel.grad, kernel_t.grad.numpy(), **TOL)
    np.testing.assert_allclose(layer.bias.grad, bias_t.grad.numpy(), **TOL)
