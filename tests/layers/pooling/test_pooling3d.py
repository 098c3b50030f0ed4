"""3-D window and adaptive pooling against PyTorch (float64): outputs and input gradients, 'same' padding, ties."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import layers
from layerwise.layers import serialization


def same_pads(length, pool, stride):
    total = max((math.ceil(length / stride) - 1) * stride + pool - length, 0)
    return total // 2, total - total // 2


def torch_pads(shape, pool, strides, padding):
    """F.pad's (left, right, top, bottom, front, back) of Keras's padding for a (D, H, W) volume."""
    if padding == "valid":
        return (0,) * 6
    pairs = [same_pads(n, p, s) for n, p, s in zip(shape, pool, strides)]
    return tuple(v for pair in reversed(pairs) for v in pair)


def check(layer, x, torch_forward, rng, training=True):
    y = layer(x, training=training)
    xt = torch.tensor(np.moveaxis(x, -1, 1).copy(), requires_grad=True)
    yt = torch_forward(xt)
    np.testing.assert_allclose(y, np.moveaxis(yt.detach().numpy(), 1, -1), rtol=1e-12, atol=1e-12)
    dy = rng.normal(size=y.shape)
    yt.backward(torch.tensor(np.moveaxis(dy, -1, 1).copy()))
    np.testing.assert_allclose(layer.backward(dy), np.moveaxis(xt.grad.numpy(), 1, -1), rtol=1e-12, atol=1e-12)


CASES = [((4, 6, 8), (2, 2, 2), None, "valid"), ((5, 7, 6), (2, 3, 2), None, "valid"),
         ((5, 7, 6), (2, 2, 2), None, "same"), ((6, 5, 7), (3, 3, 3), (2, 2, 2), "same"),
         ((7, 6, 5), (3, 2, 2), (1, 2, 3), "same"), ((8, 7, 9), (2, 3, 2), (3, 2, 3), "valid")]


def _triple(value):
    return (value,) * 3 if isinstance(value, int) else value


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape, pool, strides, padding", CASES, ids=[str(c) for c in CASES])
def test_max_pooling3d_matches_torch(shape, pool, strides, padding, training, float64, rng):
    strides_ = _triple(strides or pool)
    pads = torch_pads(shape, pool, strides_, padding)
    check(layers.MaxPooling3D(pool, strides, padding), rng.normal(size=(2, *shape, 3)),
          lambda xt: F.max_pool3d(F.pad(xt, pads, value=-math.inf), pool, strides_), rng, training)


@pytest.mark.parametrize("shape, pool, strides, padding", CASES, ids=[str(c) for c in CASES])
def test_average_pooling3d_matches_torch_without_counting_padding(shape, pool, strides, padding, float64, rng):
    strides_ = _triple(strides or pool)
    pads = torch_pads(shape, pool, strides_, padding)
    counts = F.avg_pool3d(F.pad(torch.ones(1, 1, *shape, dtype=torch.float64), pads), pool, strides_,
                          divisor_override=1)
    check(layers.AveragePooling3D(pool, strides, padding), rng.normal(size=(2, *shape, 3)),
          lambda xt: F.avg_pool3d(F.pad(xt, pads), pool, strides_, divisor_override=1) / counts, rng)


def test_same_average_pooling3d_is_torchs_count_include_pad_false(float64, rng):
    # A 3-window with stride 1 pads one on each side: F.avg_pool3d's own symmetric padding.
    check(layers.AvgPool3D(3, strides=1, padding="same"), rng.normal(size=(2, 4, 5, 3, 2)),
          lambda xt: F.avg_pool3d(xt, 3, 1, padding=1, count_include_pad=False), rng)


def test_max_pooling3d_gives_ties_to_the_first_maximum_in_depth_row_column_order(float64):
    x = np.zeros((1, 2, 2, 2, 1))
    x[0, 1, 0, 0, 0] = x[0, 0, 1, 1, 0] = 1.0  # (1, 0, 0) comes after (0, 1, 1)
    layer = layers.MaxPool3D()
    layer(x, training=True)
    dx = layer.backward(np.ones((1, 1, 1, 1, 1)))[..., 0]
    expected = np.zeros((1, 2, 2, 2))
    expected[0, 0, 1, 1] = 1.0
    np.testing.assert_array_equal(dx, expected)
    t = torch.tensor(np.moveaxis(x, -1, 1).copy(), requires_grad=True)
    F.max_pool3d(t, 2).sum().backward()
    np.testing.assert_array_equal(dx, t.grad.numpy()[:, 0])


@pytest.mark.parametrize("kind", ["Average", "Max"])
@pytest.mark.parametrize("shape, size", [((2, 5, 7, 4, 3), (2, 3, 2)), ((2, 3, 4, 5, 2), (5, 4, 3)),
                                         ((1, 6, 6, 6, 1), 4)])
def test_adaptive_pooling3d_matches_torch(kind, shape, size, float64, rng):
    layer = getattr(layers, f"Adaptive{kind}Pooling3D")(size)
    x = rng.normal(size=shape)
    y = layer(x)
    dy = rng.normal(size=y.shape)
    t = torch.tensor(x, requires_grad=True)
    pool = F.adaptive_avg_pool3d if kind == "Average" else F.adaptive_max_pool3d
    expected = pool(t.movedim(-1, 1), size).movedim(1, -1)
    expected.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.backward(dy), t.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_3d_pooling_keeps_float32_and_round_trips_its_config(rng):
    x = rng.normal(size=(2, 5, 4, 6, 3)).astype(np.float32)
    for layer in (layers.MaxPooling3D((2, 1, 3), padding="same"), layers.AveragePooling3D(2, strides=(1, 2, 3)),
                  layers.AdaptiveAveragePooling3D((1, 2, 3)), layers.AdaptiveMaxPooling3D(2)):
        y = layer(x, training=True)
        assert y.dtype == np.float32 and layer.backward(np.ones_like(y)).dtype == np.float32
        clone = serialization.deserialize(serialization.serialize(layer))
        np.testing.assert_array_equal(clone(x), y)


def test_3d_output_shapes_and_argument_errors():
    assert layers.MaxPooling3D(3, 2, "same").compute_output_shape((None, 5, 7, 8, 3)) == (None, 3, 4, 4, 3)
    assert layers.AveragePooling3D((1, 2, 3)).compute_output_shape((None, 5, 7, 8, 3)) == (None, 5, 3, 2, 3)
    assert layers.MaxPooling3D().compute_output_shape((None, None, 4, 4, 1)) == (None, None, None, None, 1)
    assert layers.AdaptiveMaxPooling3D((1, 2, 3)).compute_output_shape((None, 5, 7, 8, 3)) == (None, 1, 2, 3, 3)
    assert layers.MaxPool3D is layers.MaxPooling3D and layers.AvgPool3D is layers.AveragePooling3D
    with pytest.raises(ValueError, match=r"pool_size must be .* tuple of 3 .* received \(2, 2\)"):
        layers.MaxPooling3D((2, 2))
    with pytest.raises(ValueError, match="strides.*received 0"):
        layers.AveragePooling3D(2, strides=0)
    with pytest.raises(ValueError, match="padding.*'causal'"):
        layers.MaxPooling3D(padding="causal")
    with pytest.raises(ValueError, match="output_size"):
        layers.AdaptiveAveragePooling3D((2, 2))
    with pytest.raises(ValueError, match=r"smaller than the pool"):
        layers.MaxPooling3D(3)(np.zeros((1, 2, 4, 4, 1)))
    layer = layers.AveragePooling3D(name="pool3")
    with pytest.raises(ValueError, match=r"pool3.*rank 5 \(batch, depth, height, width, channels\).*"
                                         r"\(None, 4, 4, 1\)"):
        layer(np.zeros((1, 4, 4, 1)))
