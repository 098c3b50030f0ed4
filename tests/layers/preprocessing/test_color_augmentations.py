"""RandomHue, RandomSaturation, RandomColorJitter, RandomGaussianBlur, RandomSharpness, RandomErasing,
RandomPosterization and Equalization: against colorsys, PyTorch's convolutions and hand computations."""

import colorsys

import numpy as np
import pytest
import torch

from layerwise import layers

NEW_RANDOM_LAYERS = [
    lambda seed: layers.RandomHue(0.5, value_range=(0, 1), seed=seed),
    lambda seed: layers.RandomSaturation(0.9, value_range=(0, 1), seed=seed),
    lambda seed: layers.RandomColorJitter((0, 1), 0.1, 0.2, 0.6, 0.2, seed=seed),
    lambda seed: layers.RandomGaussianBlur(seed=seed),
    lambda seed: layers.RandomSharpness(0.8, seed=seed),
    lambda seed: layers.RandomErasing(seed=seed),
    lambda seed: layers.RandomPosterization(6, seed=seed),
]


def pixels(rng, shape=(6, 3, 4, 3)):
    return rng.uniform(0.02, 0.98, size=shape)


def _hsv_map(x, change):
    """Each pixel through colorsys's RGB -> HSV, ``change(h, s, v)``, and back."""
    flat = [colorsys.hsv_to_rgb(*change(*colorsys.rgb_to_hsv(*pixel))) for pixel in x.reshape(-1, 3)]
    return np.array(flat).reshape(x.shape)


@pytest.mark.parametrize("make", NEW_RANDOM_LAYERS)
def test_inference_is_the_identity_and_a_seed_repeats_the_draws(rng, make):
    x = (pixels(rng) * 255).astype(np.float32)
    np.testing.assert_array_equal(make(3)(x), x)
    np.testing.assert_array_equal(make(3)(x, training=True), make(3)(x, training=True))
    assert not np.array_equal(make(3)(x, training=True), x)


def test_hue_turns_each_image_by_half_the_factor_either_way(rng):
    x = pixels(rng, (40, 2, 2, 3))
    y = layers.RandomHue((0.4, 0.4), value_range=(0, 1), seed=0, dtype="float64")(x, training=True)
    ahead, behind = (_hsv_map(x, lambda h, s, v, turn=turn: ((h + turn) % 1, s, v)) for turn in (0.2, -0.2))
    forward = np.all(np.isclose(y, ahead, atol=1e-12), axis=(1, 2, 3))
    backward = np.all(np.isclose(y, behind, atol=1e-12), axis=(1, 2, 3))
    assert np.all(forward | backward) and 0 < forward.sum() < 40


def test_hue_works_on_any_value_range(rng):
    x = pixels(rng)
    unit = layers.RandomHue(0.7, value_range=(0, 1), seed=4, dtype="float64")(x, training=True)
    raw = layers.RandomHue(0.7, value_range=(0, 255), seed=4, dtype="float64")(x * 255, training=True)
    np.testing.assert_allclose(raw, unit * 255, rtol=1e-10)


@pytest.mark.parametrize("u", [0.0, 0.25, 0.8])
def test_saturation_scales_s_by_u_over_one_minus_u_capped_at_one(rng, u):
    x = pixels(rng)
    y = layers.RandomSaturation((u, u), value_range=(0, 1), seed=0, dtype="float64")(x, training=True)
    scale = u / (1 - u + 1e-7)
    np.testing.assert_allclose(y, _hsv_map(x, lambda h, s, v: (h, min(s * scale, 1.0), v)), atol=1e-12)


def test_saturation_of_one_half_keeps_the_image_and_shifts_with_the_value_range(rng):
    x = pixels(rng)
    y = layers.RandomSaturation((0.5, 0.5), value_range=(0, 1), seed=0, dtype="float64")(x, training=True)
    np.testing.assert_allclose(y, x, atol=1e-6)
    grey = layers.RandomSaturation((0.0, 0.0), value_range=(-1, 1), seed=0, dtype="float64")(x * 2 - 1, training=True)
    np.testing.assert_allclose(grey, np.broadcast_to((x * 2 - 1).max(axis=-1, keepdims=True), x.shape))


def test_color_jitter_runs_the_four_layers_in_order_on_its_one_generator(rng):
    x = pixels(rng).astype(np.float32)
    jitter = layers.RandomColorJitter((0, 1), brightness_factor=0.1, contrast_factor=0.3, saturation_factor=0.8,
                                      hue_factor=0.4, seed=5)
    assert [type(layer).__name__ for layer in jitter.sublayers()] == [
        "RandomBrightness", "RandomContrast", "RandomSaturation", "RandomHue"]
    state = jitter.rng.bit_generator.state
    y = jitter(x, training=True)
    dy = rng.normal(size=x.shape).astype(np.float32)
    dx = jitter.backward(dy)
    steps = [layers.RandomBrightness(0.1, value_range=(0, 1)), layers.RandomContrast(0.3, value_range=(0, 1)),
             layers.RandomSaturation(0.8, value_range=(0, 1)), layers.RandomHue(0.4, value_range=(0, 1))]
    shared = np.random.default_rng()
    shared.bit_generator.state = state
    expected = x
    for step in steps:
        step.rng = shared
        expected = step(expected, training=True)
    np.testing.assert_array_equal(y, expected)
    for step in reversed(steps):
        dy = step.backward(dy)
    np.testing.assert_array_equal(dx, dy)


def test_color_jitter_skips_the_factors_left_none_and_accepts_grey_images(rng):
    jitter = layers.RandomColorJitter((0, 1), contrast_factor=0.5, seed=1)
    assert [type(layer).__name__ for layer in jitter.sublayers()] == ["RandomContrast"]
    x = pixels(rng, (3, 4, 4, 1)).astype(np.float32)
    assert not np.array_equal(jitter(x, training=True), x)
    with pytest.raises(ValueError, match="expects RGB images of 3 channels"):
        layers.RandomColorJitter((0, 1), hue_factor=0.5)(x, training=True)


def _torch_filter(x, kernel):
    """Depthwise 'same' correlation of channels-last x with one 2-D kernel, in PyTorch (zero padding)."""
    channels = x.shape[-1]
    weight = torch.tensor(kernel)[None, None].repeat(channels, 1, 1, 1)
    y = torch.nn.functional.conv2d(x.permute(0, 3, 1, 2), weight, padding=(kernel.shape[0] // 2, kernel.shape[1] // 2),
                                   groups=channels)
    return y.permute(0, 2, 3, 1)


def _torch_parity(layer, x, reference):
    """The layer's training output and dJ/dx against PyTorch autograd through ``reference``."""
    y = layer(x, training=True)
    dy = np.random.default_rng(1).normal(size=y.shape)
    tx = torch.tensor(x, requires_grad=True)
    ty = reference(tx)
    ty.backward(torch.tensor(dy))
    np.testing.assert_allclose(y, ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.backward(dy), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kernel_size", [3, (5, 3)])
def test_gaussian_blur_matches_torch_conv2d_with_the_gaussian_kernel(rng, kernel_size):
    x = rng.normal(size=(3, 6, 7, 2))
    sigma = 0.8
    layer = layers.RandomGaussianBlur((1.0, 1.0), kernel_size=kernel_size, sigma=(sigma, sigma),
                                      value_range=(-100, 100), seed=0, dtype="float64")
    rows, columns = (kernel_size, kernel_size) if np.ndim(kernel_size) == 0 else kernel_size

    def gaussian(size):
        t = np.arange(size) - (size - 1) / 2
        g = np.exp(-t ** 2 / (2 * (sigma + 1e-6) ** 2))
        return g / g.sum()
    kernel = np.outer(gaussian(rows), gaussian(columns))
    _torch_parity(layer, x, lambda tx: _torch_filter(tx, kernel))


def test_gaussian_blur_applies_with_probability_drawn_from_factor(rng):
    x = rng.uniform(0, 255, size=(400, 4, 4, 1))
    y = layers.RandomGaussianBlur((0.5, 0.5), seed=2)(x, training=True)
    blurred = ~np.all(np.isclose(y, x.astype(np.float32)), axis=(1, 2, 3))
    assert blurred.mean() == pytest.approx(0.5, abs=0.08)
    assert np.array_equal(layers.RandomGaussianBlur(0.0, seed=2)(x, training=True), x.astype(np.float32))


@pytest.mark.parametrize("f", [0.0, 0.3, 1.0])
def test_sharpness_matches_torch_blend_with_kerass_smoothing_kernel(rng, f):
    x = rng.normal(size=(2, 5, 4, 3))
    layer = layers.RandomSharpness((f, f), value_range=(-100, 100), seed=0, dtype="float64")
    kernel = np.array([[1.0, 1, 1], [1, 5, 1], [1, 1, 1]]) / 13
    _torch_parity(layer, x, lambda tx: tx + (1 - 2 * f) * (_torch_filter(tx, kernel) - tx))


def test_erasing_boxes_have_kerass_sizes_and_stop_the_gradient(rng):
    x = rng.uniform(0.1, 0.9, size=(300, 10, 20, 3))
    layer = layers.RandomErasing((1.0, 1.0), scale=(0.1, 0.4), fill_value=[0.0, 0.5, 1.0], value_range=(0, 1),
                                 seed=3, dtype="float64")
    y = layer(x, training=True)
    erased = ~np.isclose(y, x)
    np.testing.assert_array_equal(erased, np.broadcast_to(erased[..., :1], x.shape))  # whole pixels
    np.testing.assert_array_equal(y[erased].reshape(-1, 3), np.broadcast_to([0.0, 0.5, 1.0], (erased.sum() // 3, 3)))
    rows, columns = erased[..., 0].any(axis=2).sum(axis=1), erased[..., 0].any(axis=1).sum(axis=1)
    # a side of sqrt(a) H with a ~ U(0.1, 0.4) covers at most ceil(sqrt(a) H) + 1 pixels
    assert rows.min() >= np.floor(np.sqrt(0.1) * 10) and rows.max() <= np.ceil(np.sqrt(0.4) * 10) + 1
    assert columns.min() >= np.floor(np.sqrt(0.1) * 20) and columns.max() <= np.ceil(np.sqrt(0.4) * 20) + 1
    np.testing.assert_array_equal(erased[..., 0].sum(axis=(1, 2)), rows * columns)  # rectangles
    np.testing.assert_array_equal(layer.backward(np.ones_like(y)), ~erased)


def test_erasing_noise_is_clipped_gaussian_and_factor_zero_erases_nothing(rng):
    x = np.full((200, 6, 6, 1), 100.0)
    y = layers.RandomErasing((1.0, 1.0), scale=(0.3, 0.3), seed=4, dtype="float64")(x, training=True)
    fill = y[y != 100.0]
    assert fill.min() >= 0 and fill.max() <= 255 and 0.4 < np.mean(fill == 0) < 0.6  # half of N(0, 255^2) is < 0
    np.testing.assert_array_equal(layers.RandomErasing((0.0, 0.0), seed=4)(x, training=True), x)


def test_posterization_keeps_the_drawn_number_of_bits_and_has_zero_gradient(rng):
    x = rng.uniform(0, 1, size=(200, 3, 3, 2))
    layer = layers.RandomPosterization((2, 4), value_range=(0, 1), seed=5, dtype="float64")
    y = layer(x, training=True)
    levels = y * 255
    np.testing.assert_allclose(levels, np.round(levels), atol=1e-9)
    kept = [next(b for b in (2, 3, 4) if np.all(np.round(image) % 2 ** (8 - b) == 0)
                 and np.array_equal(np.round(image), np.floor(np.floor(x[i] * 255) / 2 ** (8 - b)) * 2 ** (8 - b)))
            for i, image in enumerate(levels)]
    assert set(kept) == {2, 3, 4}
    assert not layer.backward(np.ones_like(y)).any()
    assert np.array_equal(layer(x), x) and np.array_equal(layer.backward(np.ones_like(y)), np.ones_like(y))


def test_equalization_maps_each_image_channel_through_its_own_cdf():
    image = np.array([10.0, 10.0, 20.0, 30.0, 30.0, 30.0, 40.0, 250.0]).reshape(1, 2, 4, 1)
    flat = np.full((1, 2, 4, 1), 77.0)
    batch = np.concatenate([np.concatenate([image, flat], axis=-1), np.concatenate([flat, image], axis=-1)])
    y = layers.Equalization()(batch)
    cdf = np.array([2, 3, 6, 7, 8])  # at 10, 20, 30, 40, 250; cdf_min = 2, N = 8
    expected = np.round((cdf - 2) * 255 / 6)[[0, 0, 1, 2, 2, 2, 3, 4]].reshape(2, 4)
    np.testing.assert_array_equal(y[0, :, :, 0], expected)
    np.testing.assert_array_equal(y[1, :, :, 1], expected)  # per image: the same whatever the other images
    np.testing.assert_array_equal(y[0, :, :, 1], 77.0)  # one occupied bin: left as it is
    assert not layers.Equalization().backward(np.ones_like(y)).any()


def test_equalization_bins_and_value_range():
    x = np.array([0.1, 0.1, 0.6, 0.9]).reshape(1, 1, 4, 1)
    y = layers.Equalization(value_range=(0, 1), bins=2)(x)  # bins: [0, 1) -> 0 and 1 -> 1 of v (bins - 1) / 255
    np.testing.assert_array_equal(y, x.astype(np.float32))  # all in bin 0: one occupied bin
    y = layers.Equalization(value_range=(-1, 1), bins=4)(np.array([-0.9, -0.8, 0.1, 0.95]).reshape(1, 1, 4, 1))
    # bins of (x + 1) / 2 * 3: 0, 0, 1, 2 -> cdf 2, 3, 4; table 0, 127.5 -> 128, 255
    np.testing.assert_allclose(y[0, 0, :, 0], np.array([0, 0, 128, 255]) / 255 * 2 - 1, rtol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.RandomHue(1.5), r"RandomHue: factor must be a number in \[0, 1\] or a pair of them, received 1.5"),
    (lambda: layers.RandomSaturation((0.2, 1.2)), r"RandomSaturation: factor must be .* received \(0.2, 1.2\)"),
    (lambda: layers.RandomGaussianBlur(kernel_size=4), r"kernel_size must be an odd positive integer .* received 4"),
    (lambda: layers.RandomGaussianBlur(sigma=-1.0), r"RandomGaussianBlur: sigma must be .* received -1.0"),
    (lambda: layers.RandomErasing(scale=(0.2, 1.5)), r"RandomErasing: scale must be .* received \(0.2, 1.5\)"),
    (lambda: layers.RandomErasing(fill_value=[1, 2]), r"RandomErasing: fill_value must be .* received \[1, 2\]"),
    (lambda: layers.RandomPosterization(9), r"RandomPosterization: factor must be a number in \[1, 8\]"),
    (lambda: layers.RandomPosterization(2.5), r"RandomPosterization: factor must hold whole numbers of bits"),
    (lambda: layers.RandomSharpness(0.5, value_range=(1, 1)), r"RandomSharpness: value_range must be a pair"),
    (lambda: layers.Equalization(bins=1), r"Equalization: bins must be"),
])
def test_bad_arguments_name_the_argument_and_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_hue_and_saturation_need_rgb_images(rng):
    for layer in (layers.RandomHue(0.2), layers.RandomSaturation(0.2)):
        with pytest.raises(ValueError, match=r"expects RGB images of 3 channels, received \(None, 4, 4, 2\)"):
            layer(np.zeros((1, 4, 4, 2)))
