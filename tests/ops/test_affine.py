"""The affine resampling kernel against PyTorch's grid_sample (bilinear, zeros and border padding), and
its separable path (translations, zooms) against the general one."""

import numpy as np
import pytest
import torch

from layerwise.ops.affine import (FILL_MODES, INTERPOLATIONS, GatherSampling, SeparableSampling, _gather_resample,
                                  _separable_resample, affine_resample, affine_resample_backward)


def to_torch_theta(transforms, height, width):
    """T in pixel coordinates -> theta in align_corners=True normalized coordinates: S T S^-1."""
    scale = np.diag([2 / (width - 1), 2 / (height - 1), 1.0])
    scale[:2, 2] = -1
    matrices = np.concatenate([transforms.reshape(-1, 2, 3), np.tile([[[0, 0, 1.0]]], (len(transforms), 1, 1))], 1)
    return (scale @ matrices @ np.linalg.inv(scale))[:, :2]


def rotations(rng, n):
    """Rotations with unequal scales and random shifts (the general path)."""
    angle = rng.uniform(-1, 1, size=n)
    return np.stack([1.3 * np.cos(angle), -np.sin(angle), rng.uniform(-3, 3, n),
                     np.sin(angle), 0.8 * np.cos(angle), rng.uniform(-3, 3, n)], axis=1)


def zooms(rng, n, shift=3.0):
    """Zooms in and out with shifts (the separable path): some points fall far outside the image."""
    zero = np.zeros(n)
    return np.stack([rng.uniform(0.4, 1.8, n), zero, rng.uniform(-shift, shift, n),
                     zero, rng.uniform(0.4, 1.8, n), rng.uniform(-shift, shift, n)], axis=1)


@pytest.mark.parametrize("make_transforms", [rotations, zooms])
@pytest.mark.parametrize("fill_mode, padding_mode", [("constant", "zeros"), ("nearest", "border")])
def test_matches_torch_grid_sample_with_gradients(rng, make_transforms, fill_mode, padding_mode):
    n, height, width, channels = 4, 7, 9, 3
    transforms = make_transforms(rng, n)
    x, g = rng.normal(size=(n, height, width, channels)), rng.normal(size=(n, height, width, channels))
    y, sampling = affine_resample(x, transforms, "bilinear", fill_mode, 0.0)
    dx = affine_resample_backward(g, sampling)

    x_torch = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    grid = torch.nn.functional.affine_grid(torch.tensor(to_torch_theta(transforms, height, width)),
                                           (n, channels, height, width), align_corners=True)
    y_torch = torch.nn.functional.grid_sample(x_torch, grid, mode="bilinear", padding_mode=padding_mode,
                                              align_corners=True)
    y_torch.backward(torch.tensor(g.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(y, y_torch.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(dx, x_torch.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-10, atol=1e-10)


def test_translations_and_zooms_take_the_separable_path(rng):
    _, separable = affine_resample(rng.normal(size=(3, 5, 6, 1)), zooms(rng, 3))
    _, general = affine_resample(rng.normal(size=(3, 5, 6, 1)), rotations(rng, 3))
    assert isinstance(separable, SeparableSampling) and isinstance(general, GatherSampling)


@pytest.mark.parametrize("dtype, tolerance", [(np.float32, 2e-6), (np.float64, 1e-13)])
@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("shape", [(6, 7, 9, 3), (5, 1, 4, 1)])
def test_the_separable_path_equals_the_general_one(rng, shape, fill_mode, interpolation, dtype, tolerance):
    """Forward and backward, with shifts of up to twice the image size (reflect and wrap fold them back)."""
    x, g = rng.uniform(-1, 1, size=shape).astype(dtype), rng.uniform(-1, 1, size=shape).astype(dtype)
    transforms = zooms(rng, shape[0], shift=2 * max(shape[1:3]))
    separable_y, separable = _separable_resample(x, transforms, interpolation, fill_mode, -2.5)
    general_y, general = _gather_resample(x, transforms, interpolation, fill_mode, -2.5)
    assert separable_y.dtype == dtype and separable_y.flags.c_contiguous
    np.testing.assert_allclose(separable_y, general_y, rtol=0, atol=tolerance)
    separable_dx, general_dx = affine_resample_backward(g, separable), affine_resample_backward(g, general)
    assert separable_dx.dtype == dtype
    np.testing.assert_allclose(separable_dx, general_dx, rtol=0, atol=10 * tolerance)


@pytest.mark.parametrize("make_transforms", [rotations, zooms])
def test_float32_stays_float32(rng, make_transforms):
    x = rng.normal(size=(2, 5, 5, 1)).astype(np.float32)
    y, sampling = affine_resample(x, make_transforms(rng, 2))
    assert y.dtype == np.float32 and affine_resample_backward(y, sampling).dtype == np.float32


@pytest.mark.parametrize("make_transforms", [rotations, zooms])
def test_a_batch_equals_image_by_image(rng, make_transforms):
    n = 7
    x, g = rng.normal(size=(n, 6, 5, 2)), rng.normal(size=(n, 6, 5, 2))
    transforms = make_transforms(rng, n)
    y, sampling = affine_resample(x, transforms, "bilinear", "reflect")
    one_by_one = [affine_resample(x[i:i + 1], transforms[i:i + 1], "bilinear", "reflect") for i in range(n)]
    np.testing.assert_allclose(y, np.concatenate([out for out, _ in one_by_one]), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(affine_resample_backward(g, sampling), np.concatenate(
        [affine_resample_backward(g[i:i + 1], sampling) for i, (_, sampling) in enumerate(one_by_one)]),
        rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make_transforms", [rotations, zooms])
def test_an_empty_batch_gives_an_empty_batch(rng, make_transforms):
    x = np.zeros((0, 5, 4, 2), np.float32)
    y, sampling = affine_resample(x, make_transforms(rng, 0), "bilinear", "constant", 1.0)
    assert y.shape == x.shape and affine_resample_backward(y, sampling).shape == x.shape
