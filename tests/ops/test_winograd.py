"""3x3 stride-1 convolutions by Winograd's F(2x2, 3x3) (`layerwise.ops.winograd`) against im2col's, against
PyTorch, and by finite differences; its compiled transforms against NumPy's; which convolutions it takes; and
the setting that chooses it."""

import importlib.util

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.ops import _lanes, conv, winograd
from layerwise.ops._workspace import Workspace
from layerwise.testing import check_gradients

pytestmark = pytest.mark.usefixtures("matrix_products")

KERNELS = ["numpy"] + (["numba"] if importlib.util.find_spec("numba") is not None else [])


@pytest.fixture
def every_shape(monkeypatch):
    """Winograd for every 3x3 stride-1 convolution, however few its channels (`winograd.MIN_CHANNEL_RATIO`), whatever
    the test sets through `set_calibration`."""
    monkeypatch.setattr(winograd, "DEFAULT_MIN_CHANNEL_RATIO", 0.0)
    monkeypatch.setattr(winograd, "MIN_CHANNEL_RATIO", 0.0)


@pytest.fixture(params=KERNELS)
def kernels(request):
    saved = layerwise.config.kernels()
    layerwise.config.set_kernels(request.param)
    yield request.param
    layerwise.config.set_kernels(saved)


@pytest.fixture
def calls(monkeypatch):
    """How many chunks each Winograd pass ran: proof that the tests below went through it."""
    counts = {"forward": 0, "kernel_gradient": 0}
    for name in counts:
        original = getattr(winograd, f"{name}_chunk")

        def counted(*args, _original=original, _name=name):
            counts[_name] += 1
            return _original(*args)
        monkeypatch.setattr(winograd, f"{name}_chunk", counted)
    return counts


def _passes(algorithm, x, kernel, bias, geometry, dy, lanes=1):
    """(y, dJ/dw, dJ/db, dJ/dx) of a convolution computed by ``algorithm``, in ``lanes`` lanes."""
    conv.set_algorithm(algorithm)
    saved = _lanes.threads()
    _lanes.set_threads(lanes)
    try:
        with _lanes.all_cores():
            workspace = Workspace()
            y, columns = conv.conv2d_forward(x, kernel, bias, geometry, workspace=workspace)
            kernel_grad, bias_grad = np.zeros_like(kernel), np.zeros_like(bias)
            conv.conv2d_backward_kernel(dy, x, columns, geometry, kernel_grad, bias_grad, workspace=workspace)
            dx = conv.conv2d_backward_input(dy, kernel, geometry, workspace=workspace)
    finally:
        _lanes.set_threads(saved)
        conv.set_algorithm(None)
    return y, kernel_grad, bias_grad, dx


CASES = [  # (N, H, W, C, F, padding): even and odd outputs, 'same' and 'valid', one pixel, one channel
    (3, 8, 8, 4, 6, "same"), (2, 7, 9, 3, 5, "same"), (4, 9, 6, 2, 3, "valid"), (2, 3, 3, 1, 2, "valid"),
    (2, 1, 1, 2, 3, "same"), (5, 6, 5, 3, 2, "valid"),
]


@pytest.mark.parametrize("dtype, tolerance", [("float64", 1e-12), ("float32", 2e-6)])
@pytest.mark.parametrize("case", CASES, ids=[str(case) for case in CASES])
def test_every_pass_matches_im2col(case, dtype, tolerance, kernels, every_shape, calls, rng):
    n, h, w, channels, filters, padding = case
    x = rng.normal(size=(n, h, w, channels)).astype(dtype)
    kernel, bias = rng.normal(size=(3, 3, channels, filters)).astype(dtype), rng.normal(size=filters).astype(dtype)
    geometry = conv.ConvGeometry.create((h, w), (3, 3), (1, 1), (1, 1), padding)
    dy = rng.normal(size=(n, *geometry.output_hw, filters)).astype(dtype)
    expected = _passes("im2col", x, kernel, bias, geometry, dy)
    assert calls == {"forward": 0, "kernel_gradient": 0}
    for got, want in zip(_passes("winograd", x, kernel, bias, geometry, dy), expected):
        assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=tolerance, atol=tolerance * np.abs(want).max())
    # The forward pass, the input gradient (a convolution with the flipped kernel) and the weight gradient.
    assert calls["forward"] >= 2 and calls["kernel_gradient"] >= 1


def test_lanes_and_chunks_split_the_batch_without_changing_the_result(every_shape, monkeypatch, rng):
    x, kernel, bias = rng.normal(size=(37, 10, 12, 5)), rng.normal(size=(3, 3, 5, 4)), rng.normal(size=4)
    geometry = conv.ConvGeometry.create((10, 12), (3, 3), (1, 1), (1, 1), "same")
    dy = rng.normal(size=(37, 10, 12, 4))
    whole = _passes("winograd", x, kernel, bias, geometry, dy)
    monkeypatch.setattr(conv, "WINOGRAD_CHUNK_BYTES", 1)  # one sample per chunk
    monkeypatch.setattr(_lanes, "MIN_LANE_BYTES", 1)
    for got, want in zip(_passes("winograd", x, kernel, bias, geometry, dy, lanes=3), whole):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_an_empty_batch_gives_empty_results(every_shape, rng):
    kernel, bias = rng.normal(size=(3, 3, 2, 3)), rng.normal(size=3)
    geometry = conv.ConvGeometry.create((5, 5), (3, 3), (1, 1), (1, 1), "same")
    y, kernel_grad, bias_grad, dx = _passes("winograd", np.zeros((0, 5, 5, 2)), kernel, bias, geometry,
                                            np.zeros((0, 5, 5, 3)))
    assert y.shape == (0, 5, 5, 3) and dx.shape == (0, 5, 5, 2)
    assert not kernel_grad.any() and not bias_grad.any()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape, pads", [((3, 6, 7, 5), ((1, 1), (1, 2))), ((3, 5, 6, 5), ((2, 1), (2, 2))),
                                         ((3, 7, 10, 5), ((0, 1), (0, 0)))])
def test_the_compiled_transforms_match_numpys(dtype, shape, pads, rng):
    """Every tile row and column that meets the padding: above, below, left and right, by one or two."""
    if "numba" not in KERNELS:
        pytest.skip("the numba extra is not installed")
    x, dy = rng.normal(size=shape).astype(dtype), rng.normal(size=(3, 6, 8, 4)).astype(dtype)
    products = rng.normal(size=(16, 3 * 3 * 4, 4)).astype(dtype)
    results = {}
    saved = layerwise.config.kernels()
    try:
        for name in ("numpy", "numba"):
            layerwise.config.set_kernels(name)
            results[name] = (winograd.input_tiles(x, pads, (3, 4), np.full((16, 36, 5), np.nan, dtype)),
                             winograd.output_tiles(products, np.empty((3, 6, 8, 4), dtype)),
                             winograd.output_gradient_tiles(dy, np.empty((16, 36, 4), dtype)))
    finally:
        layerwise.config.set_kernels(saved)
    padded = np.pad(x, ((0, 0), *pads, (0, 0)))
    assert padded.shape == (3, 8, 10, 5)
    tile = padded[1, 2:6, 4:8, 3]  # sample 1, tile row 1, tile column 2, channel 3: tile 1 * 12 + 1 * 4 + 2
    b_t = np.array([[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]])
    np.testing.assert_allclose(results["numba"][0][:, 18, 3], (b_t @ tile @ b_t.T).reshape(16), rtol=1e-6, atol=1e-6)
    for compiled, reference in zip(results["numba"], results["numpy"]):
        np.testing.assert_allclose(compiled, reference, rtol=1e-6 if dtype == "float32" else 1e-14, atol=1e-6)


def test_the_kernel_transforms_are_g_g_gt_and_its_adjoint(rng):
    g = winograd._G
    kernel, tile_gradient = rng.normal(size=(3, 3, 2, 5)), rng.normal(size=(16, 2, 5))
    np.testing.assert_allclose(winograd.kernel_transform(kernel).reshape(4, 4, 2, 5),
                               np.einsum("ai,ijcf,bj->abcf", g, kernel, g), rtol=1e-12, atol=1e-15)
    # dJ/dg is the adjoint of the transform: <U(g), dU> = <g, dJ/dg> for every g and dU.
    np.testing.assert_allclose(np.vdot(winograd.kernel_transform(kernel), tile_gradient),
                               np.vdot(kernel, winograd.kernel_gradient(tile_gradient)), rtol=1e-12)


LAYERS = {  # the layers whose passes are 3x3 stride-1 convolutions of one group, and an input for each
    "conv2d_same": (lambda: layers.Conv2D(3, 3, padding="same", activation="tanh",
                                          bias_initializer="random_normal"), (2, 7, 8, 2)),
    "conv2d_valid": (lambda: layers.Conv2D(3, 3, bias_initializer="random_normal"), (2, 8, 7, 2)),
    "conv3d_same": (lambda: layers.Conv3D(2, 3, padding="same", bias_initializer="random_normal"), (2, 3, 5, 4, 2)),
    "conv2d_transpose": (lambda: layers.Conv2DTranspose(2, 3, padding="same"), (2, 5, 6, 3)),
}


@pytest.mark.parametrize("name", LAYERS)
def test_a_layer_passes_its_gradient_check_by_winograd(name, float64, every_shape, calls, rng):
    layerwise.config.set_calibration(memory_bound=True, dense=False, conv_algorithm="winograd")
    factory, shape = LAYERS[name]
    layer = factory()
    report = check_gradients(layer, rng.normal(size=shape), modes=("inference", "training"))
    assert report.passed, f"\n{report}"
    assert {row[1] for row in report.rows} >= {"input"} | {weight.name for weight in layer.trainable_weights}
    assert calls["forward"] and calls["kernel_gradient"]


def test_a_conv2d_layer_by_winograd_matches_torch(every_shape, calls, rng):
    layerwise.config.set_calibration(memory_bound=True, dense=False, conv_algorithm="winograd")
    layer = layers.Conv2D(6, 3, padding="same", activation="relu", bias_initializer="random_normal")
    x = rng.normal(size=(4, 10, 9, 5)).astype("float32")
    y = layer(x, training=True)
    dy = rng.normal(size=y.shape).astype("float32")
    dx = layer.backward(dy)
    xt = torch.tensor(np.moveaxis(x, -1, 1).copy(), requires_grad=True)
    kernel_t = torch.tensor(layer.kernel.value.transpose(3, 2, 0, 1).copy(), requires_grad=True)
    bias_t = torch.tensor(layer.bias.value.copy(), requires_grad=True)
    yt = torch.relu(torch.nn.functional.conv2d(xt, kernel_t, bias_t, padding=1))
    yt.backward(torch.tensor(np.moveaxis(dy, -1, 1).copy()))
    tolerance = dict(rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(y, np.moveaxis(yt.detach().numpy(), 1, -1), **tolerance)
    np.testing.assert_allclose(dx, np.moveaxis(xt.grad.numpy(), 1, -1), **tolerance)
    np.testing.assert_allclose(layer.kernel.grad, kernel_t.grad.numpy().transpose(2, 3, 1, 0), **tolerance)
    np.testing.assert_allclose(layer.bias.grad, bias_t.grad.numpy(), **tolerance)
    assert calls["forward"] and calls["kernel_gradient"]


def test_it_takes_only_3x3_stride_1_convolutions_with_enough_channels():
    same = conv.ConvGeometry.create((8, 8), (3, 3), (1, 1), (1, 1), "same")
    assert winograd.applies(same, (3, 3, 32, 32)) and winograd.applies(same, (3, 3, 32, 64))
    assert winograd.applies(same, (3, 3, 16, 16)) and winograd.applies(same, (3, 3, 8, 16))
    assert not winograd.applies(same, (3, 3, 1, 32))  # C F / (C + F) below MIN_CHANNEL_RATIO
    assert not winograd.applies(same, (3, 3, 3, 16))
    for other in (conv.ConvGeometry.create((8, 8), (3, 3), (2, 2), (1, 1), "same"),
                  conv.ConvGeometry.create((8, 8), (3, 3), (1, 1), (2, 2), "same"),
                  conv.ConvGeometry.create((8, 8), (3, 3), (1, 1), (1, 1), "same", groups=2)):
        assert not winograd.applies(other, (3, 3, 32, 32))
    assert not winograd.applies(conv.ConvGeometry.create((8, 8), (5, 5), (1, 1), (1, 1), "same"), (5, 5, 32, 32))
