"""Keras's simple layers of issue 18 against PyTorch: outputs, input gradients and parameter gradients (float64)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerwise import layers


def _nlc_to_ncl(function):
    """A torch function of (N, C, L) applied to layerwise's channels-last (N, L, C)."""
    return lambda t: function(t.transpose(1, 2)).transpose(1, 2)


PARITY_CASES = [
    ("repeat_vector", lambda: layers.RepeatVector(3), (2, 4), lambda t: t[:, None, :].expand(-1, 3, -1)),
    ("permute", lambda: layers.Permute((3, 1, 2)), (2, 3, 4, 5), lambda t: t.permute(0, 3, 1, 2)),
    ("cropping1d", lambda: layers.Cropping1D((1, 2)), (2, 6, 3), lambda t: t[:, 1:-2]),
    ("zero_padding1d", lambda: layers.ZeroPadding1D((2, 1)), (2, 4, 3), lambda t: F.pad(t, (0, 0, 2, 1))),
    ("up_sampling1d", lambda: layers.UpSampling1D(3), (2, 3, 2),
     _nlc_to_ncl(lambda t: F.interpolate(t, scale_factor=3, mode="nearest"))),
    ("average_pooling1d", lambda: layers.AveragePooling1D(3, strides=2), (2, 7, 3),
     _nlc_to_ncl(lambda t: F.avg_pool1d(t, 3, stride=2))),
    ("global_average_pooling1d", lambda: layers.GlobalAveragePooling1D(), (2, 5, 3), lambda t: t.mean(1)),
    ("global_max_pooling1d", lambda: layers.GlobalMaxPooling1D(), (2, 5, 3), lambda t: t.max(1).values),
    ("unit_normalization", lambda: layers.UnitNormalization(), (3, 5), lambda t: F.normalize(t, dim=-1, eps=1e-6)),
    ("identity", lambda: layers.Identity(), (3, 4), lambda t: t),
    ("zero_padding3d", lambda: layers.ZeroPadding3D(((1, 0), (0, 2), (1, 1))), (2, 2, 3, 2, 2),
     lambda t: F.pad(t, (0, 0, 1, 1, 0, 2, 1, 0))),
    ("cropping3d", lambda: layers.Cropping3D(((1, 0), (0, 1), (1, 1))), (2, 3, 3, 4, 2), lambda t: t[:, 1:, :-1, 1:-1]),
    ("up_sampling3d", lambda: layers.UpSampling3D((1, 2, 3)), (2, 2, 2, 2, 2),
     lambda t: F.interpolate(t.movedim(-1, 1), scale_factor=(1, 2, 3), mode="nearest").movedim(1, -1)),
    ("global_average_pooling3d", lambda: layers.GlobalAveragePooling3D(), (2, 2, 3, 2, 3), lambda t: t.mean((1, 2, 3))),
]


@pytest.mark.parametrize("factory, shape, reference", [case[1:] for case in PARITY_CASES],
                         ids=[case[0] for case in PARITY_CASES])
def test_output_and_input_gradient_match_torch(factory, shape, reference, float64, rng):
    layer = factory()
    x = rng.normal(size=shape)
    y = layer(x, training=True)
    dy = rng.normal(size=y.shape)
    t = torch.tensor(x, requires_grad=True)
    expected = reference(t)
    expected.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, expected.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.backward(dy), t.grad.numpy(), rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("axis, shape", [(-1, (3, 5)), (1, (2, 4, 3))])
def test_rms_normalization_matches_torch_rms_norm(axis, shape, float64, rng):
    layer = layers.RMSNormalization(axis=axis, epsilon=1e-5)
    x = rng.normal(size=shape)
    layer(x)
    layer.scale.assign(rng.uniform(0.5, 1.5, size=layer.scale.shape))
    y = layer(x)
    dy = rng.normal(size=y.shape)
    t = torch.tensor(np.moveaxis(x, axis, -1), requires_grad=True)
    weight = torch.tensor(layer.scale.value, requires_grad=True)
    expected = F.rms_norm(t, (shape[axis],), weight, eps=1e-5)
    expected.backward(torch.tensor(np.moveaxis(dy, axis, -1)))
    np.testing.assert_allclose(np.moveaxis(y, axis, -1), expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(np.moveaxis(layer.backward(dy), axis, -1), t.grad.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(layer.scale.grad, weight.grad.numpy(), rtol=1e-10)


def test_alpha_dropout_keeps_selu_statistics_and_follows_its_formula(rng):
    layer = layers.AlphaDropout(0.3, seed=0)
    x = rng.normal(size=(40000, 5))
    y = layer(x, training=True)
    assert abs(y.mean()) < 0.02 and abs(y.std() - 1) < 0.02
    saturation = -1.6732632423543772 * 1.0507009873554805
    a = (0.7 * (1 + 0.3 * saturation ** 2)) ** -0.5
    mask = layer.mask.astype(bool)
    np.testing.assert_allclose(y[mask], (a * x + -a * saturation * 0.3)[mask], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(y[~mask], np.float32(a * saturation - a * saturation * 0.3), rtol=1e-6)
    assert 0.68 < mask.mean() < 0.72
    np.testing.assert_array_equal(layer(x, training=False), x.astype(np.float32))


def test_argument_errors_name_the_layer_and_value():
    with pytest.raises(ValueError, match=r"Permute: dims must be a permutation of 1..2 .* received \(0, 1\)"):
        layers.Permute((0, 1))
    with pytest.raises(ValueError, match=r"Cropping1D: cropping must be a non-negative int or a pair"):
        layers.Cropping1D((1, 2, 3))
    with pytest.raises(ValueError, match=r"Cropping1D '.*': cropping \(2, 2\) leaves nothing"):
        layers.Cropping1D(2)(np.ones((1, 4, 1)))
    with pytest.raises(ValueError, match="AlphaDropout: rate must lie in \\[0, 1\\), received 1.0"):
        layers.AlphaDropout(1.0)
    with pytest.raises(ValueError, match="RepeatVector '.*' expects inputs of rank 2"):
        layers.RepeatVector(2)(np.ones((1, 2, 3)))


@pytest.mark.parametrize("size, interpolation, mode", [
    ((5, 7), "bilinear", "bilinear"), ((2, 3), "bilinear", "bilinear"), ((5, 2), "nearest", "nearest-exact"),
    ((2, 9), "nearest", "nearest-exact")])
def test_resizing_matches_torch_interpolate_at_half_pixel_centres(size, interpolation, mode, float64, rng):
    layer = layers.Resizing(*size, interpolation=interpolation)
    x = rng.normal(size=(2, 4, 5, 3))
    y = layer(x)
    dy = rng.normal(size=y.shape)
    t = torch.tensor(x, requires_grad=True)
    arguments = {"align_corners": False} if mode == "bilinear" else {}
    expected = F.interpolate(t.permute(0, 3, 1, 2), size=size, mode=mode, **arguments).permute(0, 2, 3, 1)
    expected.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, expected.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(layer.backward(dy), t.grad.numpy(), rtol=1e-10, atol=1e-13)


def test_crops_as_keras(rng):
    x = rng.normal(size=(3, 7, 6, 2)).astype("float32")
    np.testing.assert_array_equal(layers.CenterCrop(4, 3)(x), x[:, 1:5, 1:4])
    crop = layers.RandomCrop(4, 3, seed=0)
    y = crop(x, training=True)
    top, left = crop.box[:2]
    np.testing.assert_array_equal(y, x[:, top:top + 4, left:left + 3])  # one window for the batch, as Keras
    # At inference, Keras's centred window of the target's aspect ratio (7 x int(7 * 3 / 4) = 7 x 5), resized.
    np.testing.assert_allclose(crop(x), layers.Resizing(4, 3, crop_to_aspect_ratio=True)(x), rtol=1e-6)
    assert crop.box == (0, 0, 7, 5)
    with pytest.raises(ValueError, match=r"CenterCrop\) expects images .* of at least 8 x 3, received"):
        layers.CenterCrop(8, 3)(x)
    with pytest.raises(ValueError, match="Resizing: interpolation must be one of"):
        layers.Resizing(2, 2, interpolation="bicubic")


def test_depthwise_conv1d_matches_torch_grouped_conv1d(float64, rng):
    layer = layers.DepthwiseConv1D(3, strides=2, depth_multiplier=2, bias_initializer="random_normal")
    x = rng.normal(size=(2, 9, 3))
    y = layer(x)
    dy = rng.normal(size=y.shape)
    kernel = layer.kernel.value  # (k, C, m): output channel c m + j filters channel c
    weight = torch.tensor(np.transpose(kernel, (1, 2, 0)).reshape(6, 1, 3), requires_grad=True)
    bias = torch.tensor(layer.bias.value, requires_grad=True)
    t = torch.tensor(x, requires_grad=True)
    expected = F.conv1d(t.transpose(1, 2), weight, bias, stride=2, groups=3).transpose(1, 2)
    expected.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.backward(dy), t.grad.numpy(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(np.transpose(layer.kernel.grad, (1, 2, 0)).reshape(6, 1, 3), weight.grad.numpy(),
                               rtol=1e-10)
    np.testing.assert_allclose(layer.bias.grad, bias.grad.numpy(), rtol=1e-10)


@pytest.mark.parametrize("kind", ["Average", "Max"])
@pytest.mark.parametrize("shape, size", [((2, 7, 3), 3), ((2, 5, 4, 3), (3, 2)), ((2, 4, 6, 1), (5, 4))])
def test_adaptive_pooling_matches_torch(kind, shape, size, float64, rng):
    layer = getattr(layers, f"Adaptive{kind}Pooling{len(shape) - 2}D")(size)
    x = rng.normal(size=shape)
    y = layer(x)
    dy = rng.normal(size=y.shape)
    t = torch.tensor(x, requires_grad=True)
    pool = getattr(F, f"adaptive_{'avg' if kind == 'Average' else 'max'}_pool{len(shape) - 2}d")
    expected = pool(t.movedim(-1, 1), size).movedim(1, -1)
    expected.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(layer.backward(dy), t.grad.numpy(), rtol=1e-10, atol=1e-13)
