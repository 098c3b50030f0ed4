"""The 3-D convolution kernels: a sum of 2-D convolutions over depth offsets, checked against the definition
(a loop over every kernel offset), with kept and regathered columns, a workspace, float32 and the dispatch."""

import numpy as np
import pytest

from layerwise.ops import conv, conv3d
from layerwise.ops._workspace import Workspace


def _naive_conv3d(x, kernel, geometry):
    """y[n, t, p, q, f] = sum_{i, j, l, c} w[i, j, l, c, f] x_p[n, t sd + i dd, p sh + j dh, q sw + l dw, c],
    one group per kernel slice w[..., c, f] of (C/g, F/g), by a loop over the kernel offsets."""
    padded = np.pad(x, ((0, 0),) + tuple(geometry.pads) + ((0, 0),))
    out, strides, dilation, g = geometry.output_hw, geometry.strides, geometry.dilation, geometry.groups
    group_channels, filters = kernel.shape[-2:]
    y = np.zeros((len(x),) + out + (filters,))
    for offset in np.ndindex(*geometry.kernel_size):
        window = padded[(slice(None),) + tuple(slice(i * d, i * d + s * (o - 1) + 1, s)
                                               for i, d, s, o in zip(offset, dilation, strides, out))]
        for group in range(g):
            f = slice(group * filters // g, (group + 1) * filters // g)
            c = slice(group * group_channels, (group + 1) * group_channels)
            y[..., f] += window[..., c] @ kernel[offset][:, f]
    return y


GEOMETRIES = [((5, 4, 6), (2, 3, 2), (1, 1, 1), (1, 1, 1), "valid", 1),
              ((5, 6, 4), (3, 2, 2), (2, 1, 2), (1, 1, 1), "same", 1),
              ((6, 5, 5), (2, 2, 3), (1, 2, 1), (2, 1, 1), "same", 2),
              ((7, 4, 5), (3, 1, 2), (3, 1, 1), (1, 2, 1), "valid", 2)]


def _passes(x, kernel, bias, geometry, dy, workspace=None):
    y, columns = conv3d.conv_forward(x, kernel, bias, geometry, keep_columns=True, workspace=workspace)
    kernel_grad, bias_grad = np.zeros_like(kernel), np.zeros_like(bias)
    conv3d.conv_backward_kernel(dy, x, columns, geometry, kernel_grad, bias_grad, workspace=workspace)
    return y, kernel_grad, bias_grad, conv3d.conv_backward_input(dy, kernel, geometry, workspace=workspace)


@pytest.mark.parametrize("case", GEOMETRIES, ids=[str(case) for case in GEOMETRIES])
def test_conv3d_matches_its_definition_and_the_adjoint_identity(case, rng):
    """y is the definition's; dJ/dw and dJ/dx are the adjoints of y: <dy, y(x, w)> is linear in x and in w,
    so <dy, y(x, dw)> = <dJ/dw, dw> and <dy, y(dx, w)> = <dJ/dx, dx> for every direction."""
    size, kernel_size, strides, dilation, padding, groups = case
    geometry = conv.ConvGeometry.create(size, kernel_size, strides, dilation, padding, groups)
    x = rng.normal(size=(2,) + size + (4,))
    kernel = rng.normal(size=kernel_size + (4 // groups, 6))
    bias = rng.normal(size=6)
    dy = rng.normal(size=(2,) + geometry.output_hw + (6,))
    y, kernel_grad, bias_grad, dx = _passes(x, kernel, bias, geometry, dy)
    np.testing.assert_allclose(y, _naive_conv3d(x, kernel, geometry) + bias, rtol=1e-12, atol=1e-12)
    direction_w, direction_x = rng.normal(size=kernel.shape), rng.normal(size=x.shape)
    np.testing.assert_allclose(np.sum(kernel_grad * direction_w),
                               np.sum(dy * _naive_conv3d(x, direction_w, geometry)), rtol=1e-10)
    np.testing.assert_allclose(np.sum(dx * direction_x),
                               np.sum(dy * _naive_conv3d(direction_x, kernel, geometry)), rtol=1e-10)
    np.testing.assert_allclose(bias_grad, dy.sum(axis=(0, 1, 2, 3)), rtol=1e-12)


@pytest.mark.parametrize("case", GEOMETRIES[1:3], ids=[str(case) for case in GEOMETRIES[1:3]])
def test_regathered_columns_and_a_reused_workspace_give_the_kept_result(monkeypatch, case, rng):
    size, kernel_size, strides, dilation, padding, groups = case
    geometry = conv.ConvGeometry.create(size, kernel_size, strides, dilation, padding, groups)
    x = rng.normal(size=(3,) + size + (4,))
    kernel = rng.normal(size=kernel_size + (4 // groups, 6))
    bias = rng.normal(size=6)
    dy = rng.normal(size=(3,) + geometry.output_hw + (6,))
    assert conv3d.conv_forward(x, kernel, bias, geometry, keep_columns=True)[1] is not None
    kept = _passes(x, kernel, bias, geometry, dy)
    monkeypatch.setattr(conv, "MEMORY_BUDGET_BYTES", 3000)
    monkeypatch.setattr(conv, "CACHE_CHUNK_BYTES", 3000)
    assert conv3d.conv_forward(x, kernel, bias, geometry, keep_columns=True)[1] is None
    workspace = Workspace()
    for _ in range(2):
        for expected, regathered in zip(kept, _passes(x, kernel, bias, geometry, dy, workspace)):
            np.testing.assert_allclose(regathered, expected, rtol=1e-12, atol=1e-12)


def test_float32_stays_float32_and_the_activation_is_applied(rng):
    geometry = conv.ConvGeometry.create((4, 5, 3), (2, 2, 2), (1, 2, 1), (1, 1, 1), "same")
    x = rng.normal(size=(2, 4, 5, 3, 3)).astype(np.float32)
    kernel = rng.normal(size=(2, 2, 2, 3, 4)).astype(np.float32)
    bias = rng.normal(size=4).astype(np.float32)
    z, _ = conv3d.conv_forward(x, kernel, bias, geometry)
    y, _ = conv3d.conv_forward(x, kernel, bias, geometry, activation=lambda z, out: np.maximum(z, 0, out=out))
    assert z.dtype == y.dtype == np.float32
    np.testing.assert_array_equal(y, np.maximum(z, 0))
    dx = conv3d.conv_backward_input(np.ones_like(z), kernel, geometry)
    assert dx.dtype == np.float32 and dx.shape == x.shape


def test_the_dispatch_runs_the_2d_kernels_on_2d_geometries(rng):
    geometry = conv.ConvGeometry.create((5, 6), (3, 2), (2, 1), (1, 1), "same")
    x, kernel = rng.normal(size=(2, 5, 6, 3)), rng.normal(size=(3, 2, 3, 4))
    np.testing.assert_array_equal(conv3d.conv_forward(x, kernel, None, geometry)[0],
                                  conv.conv2d_forward(x, kernel, None, geometry)[0])
