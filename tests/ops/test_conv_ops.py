"""The convolution kernels: Keras's padding amounts, chunking under a memory budget, reused workspaces."""

import numpy as np
import pytest

from layerwise import layers
from layerwise.ops import conv
from layerwise.ops._workspace import Workspace


@pytest.mark.parametrize("length, kernel, stride, dilation, expected", [
    (28, 3, 1, 1, (1, 1)), (28, 2, 1, 1, (0, 1)), (28, 4, 1, 1, (1, 2)), (7, 3, 2, 1, (1, 1)),
    (8, 3, 2, 1, (0, 1)), (10, 4, 3, 1, (1, 2)), (9, 3, 1, 2, (2, 2)), (5, 1, 2, 1, (0, 0))])
def test_same_padding_is_keras_and_tensorflow(length, kernel, stride, dilation, expected):
    assert conv.padding_amounts(length, kernel, stride, dilation, "same") == expected


def _all_passes(x, kernel, geometry, dy, workspace=None, bias=None):
    y, columns = conv.conv2d_forward(x, kernel, bias, geometry, keep_columns=True, workspace=workspace)
    grad = np.zeros_like(kernel)
    bias_grad = None if bias is None else np.zeros_like(bias)
    conv.conv2d_backward_kernel(dy, x, columns, geometry, grad, bias_grad, workspace=workspace)
    passes = (y, grad, bias_grad, conv.conv2d_backward_input(dy, kernel, geometry, workspace=workspace))
    return tuple(result for result in passes if result is not None)


@pytest.mark.parametrize("strides, groups", [((1, 1), 1), ((2, 2), 1), ((1, 1), 2), ((3, 2), 2)])
def test_chunked_batches_give_the_unchunked_result(monkeypatch, strides, groups, rng):
    x = rng.normal(size=(5, 9, 8, 4))
    kernel = rng.normal(size=(3, 3, 4 // groups, 6))
    geometry = conv.ConvGeometry.create((9, 8), (3, 3), strides, (1, 1), "same", groups)
    dy = rng.normal(size=(5,) + geometry.output_hw + (6,))
    bias = rng.normal(size=6)
    whole = _all_passes(x, kernel, geometry, dy, bias=bias)
    np.testing.assert_allclose(whole[2], dy.sum(axis=(0, 1, 2)), rtol=1e-12)
    monkeypatch.setattr(conv, "MEMORY_BUDGET_BYTES", 3000)
    monkeypatch.setattr(conv, "CACHE_CHUNK_BYTES", 3000)
    assert len(conv._column_chunks(0, 5, conv._column_bytes(geometry, 4, 8))) == 5
    y, columns = conv.conv2d_forward(x, kernel, None, geometry, keep_columns=True)
    assert columns is None
    for expected, chunked in zip(whole, _all_passes(x, kernel, geometry, dy, bias=bias)):
        np.testing.assert_allclose(chunked, expected, rtol=1e-12, atol=1e-12)


def test_a_workspace_is_reused_across_shapes_without_stale_values(rng):
    workspace = Workspace()
    for batch, (h, w) in [(4, (9, 8)), (2, (6, 7)), (4, (9, 8))]:
        x = rng.normal(size=(batch, h, w, 3))
        kernel = rng.normal(size=(2, 3, 3, 5))
        geometry = conv.ConvGeometry.create((h, w), (2, 3), (1, 1), (1, 1), "same")
        dy = rng.normal(size=(batch,) + geometry.output_hw + (5,))
        for expected, reused in zip(_all_passes(x, kernel, geometry, dy),
                                    _all_passes(x, kernel, geometry, dy, workspace)):
            np.testing.assert_allclose(reused, expected, rtol=1e-12, atol=1e-12)


def test_float32_stays_float32(rng):
    layer = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")
    y = layer(rng.normal(size=(2, 7, 7, 3)).astype("float32"), training=True)
    assert y.dtype == np.float32
    assert layer.backward(np.ones_like(y)).dtype == np.float32
    assert layer.kernel.grad.dtype == np.float32 and layer.bias.grad.dtype == np.float32


def test_layer_arguments_are_checked():
    with pytest.raises(ValueError, match="filters"):
        layers.Conv2D(0, 3)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.Conv2D(4, (3, 0))
    with pytest.raises(ValueError, match="divisible by groups"):
        layers.Conv2D(5, 3, groups=2)
    with pytest.raises(ValueError, match="divisible by groups"):
        layers.Conv2D(4, 3, groups=2)(np.zeros((1, 5, 5, 3)))
    with pytest.raises(ValueError, match="smaller than the dilated kernel"):
        layers.Conv2D(4, 3, dilation_rate=3)(np.zeros((1, 5, 5, 1)))
    with pytest.raises(ValueError, match="causal"):
        layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="rank 4"):
        layers.Conv2D(4, 3)(np.zeros((2, 5, 5)))
    with pytest.raises(ValueError, match="groups are not supported"):
        layers.Conv2DTranspose(4, 3, groups=2)
    with pytest.raises(ValueError, match="must be smaller than the strides"):
        layers.Conv2DTranspose(4, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"output would be \(6, 6\).*not to the input size \(4, 4\)"):
        layers.Conv2DTranspose(4, 2, strides=2, padding="same", output_padding=0)(np.zeros((1, 4, 4, 1)))


def _naive_columns(padded, geometry):
    """im2col by definition: row (n, p, q), column (i, j, c) = x_p[n, p sh + i dh, q sw + j dw, c]."""
    (ho, wo), (kh, kw), (sh, sw), (dh, dw) = (geometry.output_hw, geometry.kernel_size, geometry.strides,
                                              geometry.dilation)
    n, _, _, c = padded.shape
    columns = np.empty((n, ho, wo, kh, kw, c), dtype=padded.dtype)
    for i in range(kh):
        for j in range(kw):
            columns[:, :, :, i, j] = padded[:, i * dh:i * dh + sh * (ho - 1) + 1:sh,
                                            j * dw:j * dw + sw * (wo - 1) + 1:sw]
    return columns.reshape(1, n * ho * wo, kh * kw * c)


@pytest.mark.parametrize("channels", [1, 2, 5, 16])
@pytest.mark.parametrize("strides, dilation", [((1, 1), (1, 1)), ((2, 3), (1, 1)), ((1, 2), (2, 1)),
                                               ((1, 1), (1, 2))])
@pytest.mark.parametrize("layout", ["contiguous", "channels sliced", "transposed"])
@pytest.mark.parametrize("ones", [False, True])
def test_im2col_matches_its_definition(channels, strides, dilation, layout, ones, rng):
    """Whole kernel rows are copied from a strided view only where that view is valid; with ``ones`` each
    row ends with a 1 for the bias."""
    x = rng.standard_normal((3, 9, 8, 2 * channels)).astype(np.float32)
    padded = {"contiguous": x[..., :channels].copy(), "channels sliced": x[..., ::2],
              "transposed": np.ascontiguousarray(x[..., :channels].transpose(0, 2, 1, 3)).transpose(0, 2, 1, 3)}
    geometry = conv.ConvGeometry.create((9, 8), (3, 2), strides, dilation, "valid")
    expected = _naive_columns(padded[layout], geometry)
    if ones:
        expected = np.concatenate([expected, np.ones(expected.shape[:2] + (1,), np.float32)], axis=2)
    np.testing.assert_array_equal(conv.im2col(padded[layout], geometry, ones=ones), expected)


def test_a_refilled_input_array_is_padded_anew(rng):
    """The padding is made anew on every call: callers refill one array batch after batch."""
    layer = layers.Conv2D(3, 3, padding="same")
    batch = rng.standard_normal((2, 6, 6, 2)).astype(np.float32)
    layer(batch)
    batch[...] = rng.standard_normal(batch.shape)
    np.testing.assert_array_equal(layer(batch), layer(batch.copy()))


def test_chunks_are_padded_one_by_one_into_shared_buffers(rng):
    """Each chunk of samples is padded just before its im2col, in the lane's buffer: what is gathered is the
    same as the im2col of the whole padded batch, and the buffers are the size of one chunk, not of the batch."""
    workspace = Workspace()
    x = rng.standard_normal((5, 6, 6, 3)).astype(np.float32)
    geometry = conv.ConvGeometry.create((6, 6), (3, 3), (1, 1), (1, 1), "same")
    expected = conv.im2col(conv.pad_spatial(x, geometry.pads), geometry)
    rows = 36
    for start, stop, columns in conv._gathered_chunks(x, geometry, [(0, 2), (2, 4), (4, 5)], workspace, 0):
        np.testing.assert_array_equal(columns, expected[:, start * rows:stop * rows])
    padded_key, columns_key = conv._chunk(0)
    sizes = {key[1]: buffer.size for key, buffer in workspace._buffers.items()}
    assert sizes == {padded_key: 2 * 8 * 8 * 3, columns_key: 2 * rows * 27}


@pytest.mark.parametrize("dilation, groups, padding", [(1, 1, "same"), (2, 1, "same"), (1, 2, "valid"), (2, 4, "same")])
def test_a_stride_1_input_gradient_is_the_same_flipped_or_scattered(dilation, groups, padding, rng):
    x_shape, kernel = (3, 9, 8, 4), rng.standard_normal((3, 2, 4 // groups, 8))
    geometry = conv.ConvGeometry.create(x_shape[1:3], (3, 2), (1, 1), (dilation, dilation), padding, groups)
    dy = rng.standard_normal((3,) + geometry.output_hw + (8,))
    gradients = []
    for kind in ("flipped", "scatter"):
        conv.set_input_gradient(kind)
        gradients.append(conv.conv2d_backward_input(dy, kernel, geometry))
    conv.set_input_gradient(None)
    assert gradients[0].shape == x_shape
    np.testing.assert_allclose(gradients[1], gradients[0], rtol=1e-10, atol=1e-12)
