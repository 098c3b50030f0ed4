"""RandomBrightness, RandomInvert, RandomGrayscale and AutoContrast, as Keras computes them."""

import numpy as np
import pytest

from layerwise import layers


def test_brightness_offsets_each_image_by_a_fraction_of_the_range_and_clips(rng):
    x = rng.uniform(0, 255, size=(64, 2, 2, 3))
    layer = layers.RandomBrightness((-0.2, 0.1), seed=0)
    y = layer(x, training=True)
    unclipped = (y > 0) & (y < 255)
    offsets = np.where(unclipped, y - x.astype(np.float32), np.nan)
    per_image = np.nanmean(offsets.reshape(64, -1), axis=1)
    assert np.nanmax(np.abs(offsets.reshape(64, -1) - per_image[:, None])) < 1e-3  # one offset per image
    assert -0.2 * 255 - 1e-3 <= np.nanmin(per_image) and np.nanmax(per_image) <= 0.1 * 255 + 1e-3
    assert y.min() >= 0 and y.max() <= 255
    np.testing.assert_array_equal(layer(x), x.astype(np.float32))
    with pytest.raises(ValueError, match="RandomBrightness: factor must satisfy lower <= upper within"):
        layers.RandomBrightness(1.5)


def test_invert_maps_to_high_minus_x_with_kerass_probability(rng):
    x = rng.uniform(0, 1, size=(4000, 1, 1, 1))
    y = layers.RandomInvert(factor=0.6, value_range=(0, 1), seed=1)(x, training=True)
    inverted = ~np.isclose(y, x.astype(np.float32))
    np.testing.assert_allclose(y[inverted], (1 - x.astype(np.float32))[inverted], rtol=1e-6)
    assert inverted.mean() == pytest.approx(0.3, abs=0.03)  # p ~ U[0, 0.6], so 0.6 / 2 on average


def test_grayscale_uses_bt601_weights_in_every_channel(rng):
    x = rng.uniform(0, 1, size=(200, 2, 2, 3))
    y = layers.RandomGrayscale(factor=0.5, seed=2)(x, training=True)
    grey = (x @ [0.2989, 0.5870, 0.1140])[..., None]
    chosen = np.all(np.isclose(y, np.broadcast_to(grey, x.shape), atol=1e-6), axis=(1, 2, 3))
    np.testing.assert_allclose(y[~chosen], x[~chosen], rtol=1e-6)
    assert chosen.mean() == pytest.approx(0.5, abs=0.1)


def test_auto_contrast_stretches_each_channel_and_keeps_constant_ones():
    x = np.zeros((1, 2, 2, 2))
    x[0, :, :, 0] = [[50.0, 100.0], [150.0, 75.0]]
    x[0, :, :, 1] = 30.0
    y = layers.AutoContrast()(x)
    np.testing.assert_allclose(y[0, :, :, 0], [[0.0, 127.5], [255.0, 63.75]], rtol=1e-6)
    np.testing.assert_array_equal(y[0, :, :, 1], 30.0)


def test_shear_moves_rows_by_s_x_times_their_index():
    """Keras's shear maps output (x, y) to input (x + s_x y, s_y x + y): with s_x = 1 row y shifts left by y."""
    layer = layers.RandomShear(x_factor=(1.0, 1.0), interpolation="nearest", fill_mode="constant", seed=0)
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    y = layer(x, training=True)[0, :, :, 0]
    shift = 1 if y[1, 0] == x[0, 1, 1, 0] else -1  # the drawn sign decides the direction
    for row in range(4):
        for column in range(4):
            source = column + shift * row
            assert y[row, column] == (x[0, row, source, 0] if 0 <= source < 4 else 0.0)
    with pytest.raises(ValueError, match="RandomShear: x_factor must be a number in \\[0, 1\\]"):
        layers.RandomShear(x_factor=1.5)


def test_color_degeneration_blends_towards_grey_and_solarization_inverts_above_its_threshold(rng):
    x = rng.uniform(0, 1, size=(50, 2, 2, 3))
    layer = layers.RandomColorDegeneration((0.5, 0.5), value_range=(0, 1), seed=0)
    grey = (x @ [0.2989, 0.5870, 0.1140])[..., None]
    np.testing.assert_allclose(layer(x, training=True), np.clip(x + 0.5 * (grey - x), 0, 1), rtol=1e-6)
    solarize = layers.Solarization(threshold_factor=(0.5, 0.5), value_range=(0, 1), seed=0)
    y = solarize(x, training=True)
    # Keras draws t ~ U(0.5, 0.5 * 255): a threshold in pixel units of [0, 255] above 0.5.
    pixels = x * 255
    inverted = np.isclose(y, 1 - x, atol=1e-6) & ~np.isclose(y, x, atol=1e-6)
    assert np.all(pixels[inverted] >= 0.5)
    np.testing.assert_array_equal(solarize(x), x.astype(np.float32))
