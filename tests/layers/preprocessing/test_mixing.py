"""MixUp and CutMix: images and labels mixed with the same draws, Keras's dict calls, and the exact backward."""

import numpy as np
import pytest

from layerwise import layers


def _labelled(rng, count=6, shape=(4, 5, 2)):
    return rng.uniform(0, 1, size=(count,) + shape), np.eye(count)


def _linear_map(layer, x):
    """The (N D, N D) matrix of the training call's map x -> y, one column per unit input (same draws each time)."""
    state = layer.rng.bit_generator.state
    columns = []
    for index in range(x.size):
        layer.rng.bit_generator.state = state
        unit = np.zeros(x.size)
        unit[index] = 1.0
        columns.append(layer(unit.reshape(x.shape), training=True).ravel())
    layer.rng.bit_generator.state = state
    return np.array(columns).T


def test_mix_up_blends_images_and_labels_with_one_beta_weight(rng):
    images, labels = _labelled(rng)
    out = layers.MixUp(alpha=0.5, seed=0, dtype="float64")({"images": images, "labels": labels}, training=True)
    mixed = out["labels"]  # = λ I + (1 - λ) P: λ on the diagonal, 1 - λ at (n, π(n))
    weight = mixed[0, 0]
    np.testing.assert_allclose(np.diag(mixed), weight)
    permutation = np.argmax(mixed - weight * np.eye(6), axis=1)
    assert sorted(permutation) == list(range(6))
    np.testing.assert_allclose(out["images"], weight * images + (1 - weight) * images[permutation], rtol=1e-12)


def test_mix_up_weights_follow_beta_alpha_alpha():
    layer = layers.MixUp(alpha=0.4, seed=1, dtype="float64")
    weights = []
    for _ in range(3000):
        layer(np.zeros((2, 1, 1, 1)), training=True)
        weights.append(layer.label_weights[0])
    assert np.mean(weights) == pytest.approx(0.5, abs=0.02)
    assert np.var(weights) == pytest.approx(1 / (4 * (2 * 0.4 + 1)), abs=0.01)  # Beta(a, a): 1 / (4 (2a + 1))


@pytest.mark.parametrize("make", [lambda: layers.MixUp(alpha=0.7, seed=2, dtype="float64"),
                                  lambda: layers.CutMix(seed=3, dtype="float64")])
def test_backward_is_the_transpose_of_the_mixing_map(rng, make):
    layer = make()
    x = rng.normal(size=(4, 3, 5, 2))
    matrix = _linear_map(layer, x)
    y = layer(x, training=True)
    np.testing.assert_allclose(y.ravel(), matrix @ x.ravel(), rtol=1e-12)
    dy = rng.normal(size=y.shape)
    np.testing.assert_allclose(layer.backward(dy).ravel(), matrix.T @ dy.ravel(), rtol=1e-12, atol=1e-12)


def test_cut_mix_pastes_a_box_and_mixes_labels_by_its_area(rng):
    count, height, width = 200, 10, 12
    images = np.arange(count, dtype=float)[:, None, None, None] * np.ones((1, height, width, 1))  # image n holds n
    out = layers.CutMix(seed=4, dtype="float64")({"images": images, "labels": np.eye(count)}, training=True)
    pasted = out["images"] != images
    own = np.diag(out["labels"])
    fraction = pasted.mean(axis=(1, 2, 3))
    for n in np.flatnonzero(pasted.any(axis=(1, 2, 3))):
        sources = np.unique(out["images"][n][pasted[n]])
        assert len(sources) == 1  # one box from one other image, whose label takes the rest of the weight
        assert out["labels"][n, int(sources[0])] == pytest.approx(1 - own[n])
    # μ = 1 - box area / (H W) with the box's real-valued sides: the pixel count differs by its border pixels
    assert np.all(np.abs((1 - own) - fraction) <= (height + width + 1) / (height * width))
    np.testing.assert_allclose(out["labels"].sum(axis=1), 1.0)


def test_inference_returns_the_inputs_and_dicts_stay_dicts(rng):
    images, labels = _labelled(rng)
    for layer in (layers.MixUp(seed=5), layers.CutMix(seed=5)):
        out = layer({"images": images, "labels": labels})
        np.testing.assert_array_equal(out["images"], images.astype(np.float32))
        assert out["labels"] is not None and np.array_equal(out["labels"], labels)
        dy = rng.normal(size=images.shape).astype(np.float32)
        np.testing.assert_array_equal(layer.backward(dy), dy)
        assert set(layer({"images": images}, training=True)) == {"images"}


@pytest.mark.parametrize("make", [layers.MixUp, layers.CutMix])
def test_dict_keys_and_label_rows_are_checked(rng, make):
    images, labels = _labelled(rng)
    with pytest.raises(ValueError, match=r"takes images or a dict of 'images' .* received the keys \['boxes', "):
        make()({"images": images, "boxes": labels})
    with pytest.raises(ValueError, match=r"labels must have one row per image \(6\), received shape \(5, 6\)"):
        make()({"images": images, "labels": labels[:5]}, training=True)


@pytest.mark.parametrize("make, message", [
    (lambda: layers.MixUp(alpha=0.0), r"MixUp: alpha must be a positive number, received 0.0"),
    (lambda: layers.MixUp(alpha="big"), r"MixUp: alpha must be a positive number, received 'big'"),
    (lambda: layers.CutMix(factor=1.5), r"CutMix: factor must be a number in \[0, 1\] or a pair of them, received 1.5"),
])
def test_bad_arguments_name_the_argument_and_value(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_mix_up_in_a_model_mixes_only_in_training(rng):
    import layerwise

    model = layerwise.Sequential([layerwise.Input(shape=(2, 2, 1)), layers.MixUp(seed=6), layers.Flatten(),
                                  layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = rng.normal(size=(8, 2, 2, 1)).astype(np.float32)
    np.testing.assert_array_equal(model.predict(x), model.predict(x))
    model.fit(x, np.eye(2, dtype=np.float32)[rng.integers(0, 2, 8)], epochs=1, verbose=0)
