"""Pipeline: its layers in order, in both passes, on arrays and on Keras's {"images", "labels"} dicts."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise.layers import serialization


def _steps(seed):
    return [layers.Rescaling(1 / 255), layers.RandomFlip(seed=seed), layers.RandomContrast(0.4, value_range=(0, 1),
                                                                                         seed=seed + 1),
            layers.CenterCrop(3, 4)]


def test_a_pipeline_is_its_layers_in_order_forward_and_backward(rng):
    x = rng.uniform(0, 255, size=(4, 5, 6, 2)).astype(np.float32)
    pipeline = layers.Pipeline(_steps(1))
    steps = _steps(1)
    for training in (False, True):
        y = pipeline(x, training=training)
        expected = x
        for step in steps:
            expected = step(expected, training=training)
        np.testing.assert_array_equal(y, expected)
        assert y.shape == pipeline.compute_output_shape(x.shape) == (4, 3, 4, 2)
        dy = rng.normal(size=y.shape).astype(np.float32)
        dx = pipeline.backward(dy)
        for step in reversed(steps):
            dy = step.backward(dy)
        np.testing.assert_array_equal(dx, dy)


def test_weights_inside_get_their_gradients_and_round_trip(rng):
    dense = layers.Dense(3, kernel_initializer="random_normal")
    pipeline = layers.Pipeline([layers.Rescaling(2.0), dense, layers.Activation("relu")])
    x = rng.normal(size=(5, 4)).astype(np.float32)
    y = pipeline(x, training=True)
    pipeline.backward(np.ones_like(y))
    assert pipeline.weights == dense.weights
    np.testing.assert_allclose(dense.kernel.grad, (2 * x).T @ (y > 0), rtol=1e-5)
    clone = serialization.deserialize(serialization.serialize(pipeline))
    clone(x)
    clone.set_weights(pipeline.get_weights())
    np.testing.assert_array_equal(clone(x), pipeline(x))
    assert [type(layer).__name__ for layer in clone.sublayers()] == ["Rescaling", "Dense", "Activation"]


def test_a_dict_goes_to_mixing_layers_and_its_images_to_the_others(rng):
    images, labels = rng.uniform(0, 1, size=(6, 4, 4, 3)), np.eye(6)
    pipeline = layers.Pipeline([layers.RandomFlip(seed=2), layers.MixUp(seed=3), layers.Rescaling(2.0)])
    out = pipeline({"images": images, "labels": labels}, training=True)
    flip, mix, scale = layers.RandomFlip(seed=2), layers.MixUp(seed=3), layers.Rescaling(2.0)
    expected = mix({"images": flip(images, training=True), "labels": labels}, training=True)
    np.testing.assert_array_equal(out["labels"], expected["labels"])
    np.testing.assert_array_equal(out["images"], scale(expected["images"]))
    assert not np.array_equal(out["labels"], labels)


def test_a_pipeline_in_a_model_augments_only_in_training(rng):
    model = layerwise.Sequential([layerwise.Input(shape=(4, 4, 1)), layers.Pipeline([
        layers.RandomFlip(seed=4), layers.RandomGaussianBlur(value_range=(-10, 10), seed=5)]), layers.Flatten(),
        layers.Dense(2, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = rng.normal(size=(8, 4, 4, 1)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)[rng.integers(0, 2, 8)]
    before = model.predict(x)
    np.testing.assert_array_equal(before, model.predict(x))
    model.fit(x, y, epochs=2, batch_size=4, verbose=0)
    assert not np.allclose(model.predict(x), before)


def test_layers_must_be_given():
    with pytest.raises(ValueError, match=r"Pipeline: layers must be a non-empty list of layers, received \['int'\]"):
        layers.Pipeline([layers.Rescaling(2.0), 3])
    with pytest.raises(ValueError, match=r"Pipeline: layers must be a non-empty list of layers, received \[\]"):
        layers.Pipeline([])
