"""Normalization and Rescaling: adapt statistics, inversion, axes."""

import numpy as np
import pytest

from layerwise import layers


def test_adapt_matches_numpy_per_feature(rng):
    data = rng.normal(loc=1000.0, scale=3.0, size=(500, 4)) * np.array([1.0, 2.0, 0.5, 4.0])
    layer = layers.Normalization(dtype="float64")
    layer.adapt(data)
    np.testing.assert_allclose(layer.adapt_mean.value, data.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(layer.adapt_variance.value, data.var(axis=0), rtol=1e-9)
    y = layer(data)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-9)
    np.testing.assert_allclose(y.std(axis=0), 1, rtol=1e-9)


def test_adapt_on_batches_equals_adapt_on_the_array(rng):
    data = rng.normal(size=(90, 5, 3))
    whole, batched = layers.Normalization(axis=(1, 2)), layers.Normalization(axis=(1, 2))
    whole.adapt(data)
    batched.adapt((data[i:i + 32], None) for i in range(0, 90, 32))
    np.testing.assert_allclose(batched.adapt_mean.value, whole.adapt_mean.value, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(batched.adapt_variance.value, whole.adapt_variance.value, rtol=1e-5)
    assert whole.adapt_mean.shape == (5, 3)


def test_axis_none_uses_one_scalar_statistic(rng):
    data = rng.normal(2.0, 3.0, size=(40, 6)).astype(np.float32)
    layer = layers.Normalization(axis=None)
    layer.adapt(data)
    assert layer.adapt_mean.shape == ()
    np.testing.assert_allclose(layer.adapt_mean.value, data.mean(), rtol=1e-5)


def test_invert_undoes_the_normalization(rng):
    x = rng.normal(size=(3, 4))
    forward = layers.Normalization(mean=[1, 2, 3, 4], variance=[1, 4, 9, 16], dtype="float64")
    inverse = layers.Normalization(mean=[1, 2, 3, 4], variance=[1, 4, 9, 16], invert=True, dtype="float64")
    np.testing.assert_allclose(inverse(forward(x)), x, rtol=1e-12)


def test_mean_without_variance_is_rejected():
    with pytest.raises(ValueError, match="both mean and variance"):
        layers.Normalization(mean=0.0)


def test_batch_axis_is_rejected():
    with pytest.raises(ValueError, match="axis 0"):
        layers.Normalization(axis=0)(np.zeros((2, 3)))


def test_rescaling_maps_pixels_to_the_unit_interval():
    x = np.array([[0, 51, 255]], dtype=np.uint8)
    y = layers.Rescaling(1 / 255)(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, [[0.0, 0.2, 1.0]], rtol=1e-6)
