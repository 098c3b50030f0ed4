"""SpatialDropout2D: whole channels dropped, inverted scaling, identity in inference, seeded."""

import numpy as np
import pytest

from layerwise import layers


def test_drops_whole_channels_with_inverted_scaling(rng):
    layer = layers.SpatialDropout2D(0.25, seed=7)
    x = rng.normal(size=(64, 3, 4, 32)).astype("float32")
    y = layer(x, training=True)
    kept = (y != 0).reshape(64, 12, 32)
    assert np.all(kept.all(axis=1) | ~kept.any(axis=1))
    np.testing.assert_allclose(y[y != 0], x[y != 0] / 0.75, rtol=1e-6)
    assert abs(1 - kept[:, 0].mean() - 0.25) < 0.03
    dy = np.ones_like(y)
    np.testing.assert_allclose(layer.backward(dy), np.where(y != 0, 1 / 0.75, 0), rtol=1e-6)

def test_identity_in_inference_and_seeded(rng):
    x = rng.normal(size=(4, 2, 2, 8)).astype("float32")
    layer = layers.SpatialDropout2D(0.5, seed=3)
    np.testing.assert_array_equal(layer(x), x)
    first = layers.SpatialDropout2D(0.5, seed=3)(x, training=True)
    second = layers.SpatialDropout2D(0.5, seed=3)(x, training=True)
    np.testing.assert_array_equal(first, second)


@pytest.mark.parametrize("rate", [-0.1, 1.0, "half"])
def test_rate_is_checked(rate):
    with pytest.raises(ValueError, match="rate"):
        layers.SpatialDropout2D(rate)
