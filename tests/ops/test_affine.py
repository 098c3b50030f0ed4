"""The affine resampling kernel against PyTorch's grid_sample (bilinear, zeros and border padding)."""

import numpy as np
import pytest
import torch

from layerwise.ops.affine import affine_resample, affine_resample_backward


def to_torch_theta(transforms, height, width):
    """T in pixel coordinates -> theta in align_corners=True normalized coordinates: S T S^-1."""
    scale = np.diag([2 / (width - 1), 2 / (height - 1), 1.0])
    scale[:2, 2] = -1
    matrices = np.concatenate([transforms.reshape(-1, 2, 3), np.tile([[[0, 0, 1.0]]], (len(transforms), 1, 1))], 1)
    return (scale @ matrices @ np.linalg.inv(scale))[:, :2]


@pytest.mark.parametrize("fill_mode, padding_mode", [("constant", "zeros"), ("nearest", "border")])
def test_matches_torch_grid_sample_with_gradients(rng, fill_mode, padding_mode):
    n, height, width, channels = 4, 7, 9, 3
    angle = rng.uniform(-1, 1, size=n)
    transforms = np.stack([1.3 * np.cos(angle), -np.sin(angle), rng.uniform(-3, 3, n),
                           np.sin(angle), 0.8 * np.cos(angle), rng.uniform(-3, 3, n)], axis=1)
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


def test_float32_stays_float32(rng):
    x = rng.normal(size=(2, 5, 5, 1)).astype(np.float32)
    transforms = np.array([[1, 0.2, 0.5, -0.1, 1, 0.3]] * 2)
    y, sampling = affine_resample(x, transforms)
    assert y.dtype == np.float32 and affine_resample_backward(y, sampling).dtype == np.float32


def test_a_batch_equals_image_by_image(rng):
    n = 7
    x, g = rng.normal(size=(n, 6, 5, 2)), rng.normal(size=(n, 6, 5, 2))
    transforms = np.column_stack([rng.uniform(0.8, 1.2, n), rng.uniform(-0.3, 0.3, n), rng.uniform(-2, 2, n),
                                  rng.uniform(-0.3, 0.3, n), rng.uniform(0.8, 1.2, n), rng.uniform(-2, 2, n)])
    y, sampling = affine_resample(x, transforms, "bilinear", "reflect")
    one_by_one = [affine_resample(x[i:i + 1], transforms[i:i + 1], "bilinear", "reflect") for i in range(n)]
    np.testing.assert_array_equal(y, np.concatenate([out for out, _ in one_by_one]))
    np.testing.assert_array_equal(affine_resample_backward(g, sampling), np.concatenate(
        [affine_resample_backward(g[i:i + 1], sampling) for i, (_, sampling) in enumerate(one_by_one)]))
