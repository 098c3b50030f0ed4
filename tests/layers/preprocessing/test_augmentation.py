"""Augmentation layers: geometry against exact references, fill modes, identity at inference, seeding."""

import numpy as np
import pytest

from layerwise import layers

RANDOM_LAYERS = [
    lambda seed: layers.RandomTranslation(0.2, 0.2, seed=seed),
    lambda seed: layers.RandomRotation(0.1, seed=seed),
    lambda seed: layers.RandomZoom(0.3, seed=seed),
    lambda seed: layers.RandomFlip(seed=seed),
    lambda seed: layers.RandomContrast(0.5, seed=seed),
]


def images(rng, shape=(4, 8, 8, 3)):
    return rng.uniform(0, 255, size=shape).astype(np.float32)


@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_shift_by_k_pixels_moves_content_by_k_pixels(rng, k, interpolation):
    x = images(rng)
    height, width = x.shape[1:3]
    down = layers.RandomTranslation((k / height, k / height), 0.0, fill_mode="constant", interpolation=interpolation)
    left = layers.RandomTranslation(0.0, (-k / width, -k / width), fill_mode="constant", interpolation=interpolation)
    y_down, y_left = down(x, training=True), left(x, training=True)
    np.testing.assert_allclose(y_down[:, k:], x[:, :-k], rtol=1e-5)
    assert not y_down[:, :k].any()
    np.testing.assert_allclose(y_left[:, :, :-k], x[:, :, k:], rtol=1e-5)
    assert not y_left[:, :, -k:].any()


@pytest.mark.parametrize("quarter_turns", [1, -1, 2])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_rotation_by_quarter_turns_equals_rot90(rng, quarter_turns, interpolation):
    x = images(rng, (3, 7, 7, 2)).astype(np.float64)
    factor = (quarter_turns / 4, quarter_turns / 4)
    y = layers.RandomRotation(factor, interpolation=interpolation, dtype="float64")(x, training=True)
    np.testing.assert_allclose(y, np.rot90(x, k=quarter_turns, axes=(1, 2)), atol=1e-9)


def test_zoom_out_by_two_keeps_the_centre_and_halves_distances(rng):
    x = images(rng, (2, 9, 9, 1))
    y = layers.RandomZoom((1.0, 1.0), fill_mode="constant", interpolation="nearest")(x, training=True)
    np.testing.assert_array_equal(y[:, 2:7, 2:7], x[:, 0:9:2, 0:9:2])
    assert not y[:, :2].any() and not y[:, 7:].any()


@pytest.mark.parametrize("fill_mode, expected", [
    ("reflect", "baab"), ("wrap", "cdab"), ("nearest", "aaab"), ("constant", "kkab")])
def test_fill_modes_follow_keras(fill_mode, expected):
    row = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)
    value = {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "k": -7.0}
    layer = layers.RandomTranslation(0.0, (0.5, 0.5), fill_mode=fill_mode, fill_value=-7.0)
    y = layer(row.reshape(1, 1, 4, 1), training=True)
    assert y.ravel().tolist() == [value[c] for c in expected]


@pytest.mark.parametrize("mode", ["horizontal", "vertical", "horizontal_and_vertical"])
def test_flip_flips_along_the_chosen_axes(rng, mode):
    x = images(rng, (32, 4, 5, 1))
    y = layers.RandomFlip(mode, seed=0)(x, training=True)
    candidates = {"horizontal": [x, x[:, :, ::-1]], "vertical": [x, x[:, ::-1]],
                  "horizontal_and_vertical": [x, x[:, :, ::-1], x[:, ::-1], x[:, ::-1, ::-1]]}[mode]
    matches = np.stack([(y == c).all(axis=(1, 2, 3)) for c in candidates])
    assert matches.any(axis=0).all() and matches.any(axis=1).all()


def test_contrast_keeps_the_mean_and_scales_deviations(rng):
    x = rng.uniform(100, 150, size=(5, 4, 4, 2)).astype(np.float32)
    layer = layers.RandomContrast(0.5, seed=0)
    y = layer(x, training=True)
    mean = x.mean(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y.mean(axis=(1, 2), keepdims=True), mean, rtol=1e-5)
    np.testing.assert_allclose(y - mean, (x - mean) * layer.contrast, rtol=1e-4, atol=1e-3)
    assert 0.5 <= layer.contrast.min() and layer.contrast.max() <= 1.5


def test_contrast_clips_to_the_value_range(rng):
    x = rng.uniform(0, 255, size=(8, 6, 6, 1)).astype(np.float32)
    y = layers.RandomContrast((0.0, 1.0), seed=0)(x, training=True)
    assert y.min() >= 0 and y.max() <= 255 and (y == 255).any()


@pytest.mark.parametrize("make", RANDOM_LAYERS)
def test_inference_is_the_identity(rng, make):
    x = images(rng)
    layer = make(0)
    assert layer(x) is x or np.array_equal(layer(x), x)
    assert layer.backward(x) is x
    assert not np.array_equal(layer(x, training=True), x)


@pytest.mark.parametrize("make", RANDOM_LAYERS)
def test_a_seed_gives_the_same_draws(rng, make):
    x = images(rng)
    np.testing.assert_array_equal(make(3)(x, training=True), make(3)(x, training=True))
    assert not np.array_equal(make(3)(x, training=True), make(4)(x, training=True))


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_backward_is_the_transpose_of_the_resampling(rng, interpolation):
    x, g = images(rng, (6, 10, 9, 3)).astype(np.float64), rng.normal(size=(6, 10, 9, 3))
    layer = layers.RandomRotation(0.5, interpolation=interpolation, dtype="float64", seed=0)
    y = layer(x, training=True)
    assert np.isclose(np.sum(y * g), np.sum(x * layer.backward(g)), rtol=1e-12)


@pytest.mark.parametrize("argument, value", [
    ("fill_mode", "mirror"), ("interpolation", "bicubic"), ("factor", (0.3, 0.1)), ("factor", "0.1")])
def test_bad_arguments_name_the_argument_and_value(argument, value):
    kwargs = {"factor": 0.1, argument: value}
    with pytest.raises(ValueError, match=f"RandomRotation: {argument}") as error:
        layers.RandomRotation(**kwargs)
    assert repr(value) in str(error.value)


def test_images_must_have_rank_four():
    with pytest.raises(ValueError, match=r"\(batch, height, width, channels\)"):
        layers.RandomFlip()(np.zeros((2, 8, 8)))
