"""Pooling layers against PyTorch (float64): outputs and input gradients, odd sizes, strides, 'same'."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import layers


def same_pads(length, pool, stride):
    total = max((math.ceil(length / stride) - 1) * stride + pool - length, 0)
    return total // 2, total - total // 2


def nchw(x):
    return torch.tensor(np.moveaxis(x, -1, 1).copy(), requires_grad=True)


def nhwc(t):
    return np.moveaxis(t.detach().numpy(), 1, -1)


def check(layer, x, torch_forward, rng):
    y = layer(x, training=True)
    xt = nchw(x)
    yt = torch_forward(xt)
    np.testing.assert_allclose(y, nhwc(yt), rtol=1e-12, atol=1e-12)
    dy = rng.normal(size=y.shape)
    yt.backward(nchw(dy).detach())
    np.testing.assert_allclose(layer.backward(dy), nhwc(xt.grad), rtol=1e-12, atol=1e-12)


POOL_CASES = [((8, 6), (2, 2), None, "valid"), ((7, 9), (2, 2), None, "valid"), ((7, 9), (2, 2), None, "same"),
              ((9, 8), (3, 3), (2, 2), "same"), ((10, 11), (2, 3), (3, 3), "valid"), ((6, 7), (3, 2), (1, 2), "same")]


@pytest.mark.parametrize("hw, pool, strides, padding", POOL_CASES, ids=[str(c) for c in POOL_CASES])
def test_max_pooling2d_matches_torch(hw, pool, strides, padding, float64, rng):
    strides_ = strides or pool
    (top, bottom), (left, right) = (same_pads(n, p, s) if padding == "same" else (0, 0)
                                    for n, p, s in zip(hw, pool, strides_))
    check(layers.MaxPooling2D(pool, strides, padding), rng.normal(size=(2, *hw, 3)),
          lambda xt: F.max_pool2d(F.pad(xt, (left, right, top, bottom), value=-math.inf), pool, strides_), rng)


@pytest.mark.parametrize("hw, pool, strides, padding", POOL_CASES, ids=[str(c) for c in POOL_CASES])
def test_average_pooling2d_matches_torch_without_counting_padding(hw, pool, strides, padding, float64, rng):
    strides_ = strides or pool
    pads = (0, 0, 0, 0)
    if padding == "same":
        (top, bottom), (left, right) = (same_pads(n, p, s) for n, p, s in zip(hw, pool, strides_))
        pads = (left, right, top, bottom)
    counts = F.avg_pool2d(F.pad(torch.ones(1, 1, *hw, dtype=torch.float64), pads), pool, strides_,
                          divisor_override=1)
    check(layers.AveragePooling2D(pool, strides, padding), rng.normal(size=(2, *hw, 3)),
          lambda xt: F.avg_pool2d(F.pad(xt, pads), pool, strides_, divisor_override=1) / counts, rng)


def test_max_pooling_gives_ties_to_the_first_maximum_in_row_major_order(float64):
    x = np.zeros((1, 2, 2, 1))
    x[0, 0, 1, 0] = x[0, 1, 0, 0] = 1.0
    layer = layers.MaxPooling2D()
    layer(x)
    np.testing.assert_array_equal(layer.backward(np.ones((1, 1, 1, 1)))[0, :, :, 0], [[0.0, 1.0], [0.0, 0.0]])
    layer(np.zeros((1, 2, 2, 1)))
    np.testing.assert_array_equal(layer.backward(np.ones((1, 1, 1, 1)))[0, :, :, 0], [[1.0, 0.0], [0.0, 0.0]])


@pytest.mark.parametrize("pool, strides, padding", [(2, None, "valid"), (3, 2, "same"), (2, 3, "valid")])
def test_max_pooling1d_matches_torch(pool, strides, padding, float64, rng):
    before, after = same_pads(11, pool, strides or pool) if padding == "same" else (0, 0)
    check(layers.MaxPooling1D(pool, strides, padding), rng.normal(size=(2, 11, 3)),
          lambda xt: F.max_pool1d(F.pad(xt, (before, after), value=-math.inf), pool, strides or pool), rng)


@pytest.mark.parametrize("layer_class, reduce", [(layers.GlobalAveragePooling2D, torch.mean),
                                                 (layers.GlobalMaxPooling2D, torch.amax)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_matches_torch(layer_class, reduce, keepdims, float64, rng):
    layer = layer_class(keepdims=keepdims)
    x = rng.normal(size=(2, 5, 3, 4))
    y = layer(x)
    xt = torch.tensor(x, requires_grad=True)
    yt = reduce(xt, dim=(1, 2), keepdim=keepdims)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12)
    dy = rng.normal(size=y.shape)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(layer.backward(dy), xt.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_output_shape_and_argument_errors():
    assert layers.MaxPooling2D(3, 2, "same").compute_output_shape((None, 7, 8, 3)) == (None, 4, 4, 3)
    assert layers.AveragePooling2D(2).compute_output_shape((None, 7, 9, 1)) == (None, 3, 4, 1)
    with pytest.raises(ValueError, match="pool_size"):
        layers.MaxPooling2D(0)
    with pytest.raises(ValueError, match="padding"):
        layers.AveragePooling2D(2, padding="full")
    with pytest.raises(ValueError, match="smaller than the pool"):
        layers.MaxPooling2D(3)(np.zeros((1, 2, 2, 1)))
