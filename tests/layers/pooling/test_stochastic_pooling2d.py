"""StochasticPooling2D: sampling frequencies, gradient routing, torch parity of the inference rule."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise.layers import StochasticPooling2D


def window_batch(values, copies):
    """``copies`` samples of one 2x2 window holding ``values`` (row-major), in 3 channels."""
    window = np.asarray(values, dtype="float32").reshape(1, 2, 2, 1)
    return np.tile(window, (copies, 1, 1, 3))


@pytest.mark.parametrize("values", [[1.0, 2.0, 3.0, 4.0], [0.0, 1.0, 0.0, 3.0], [5.0, 0.0, 0.0, 0.0]])
def test_each_activation_is_picked_with_probability_proportional_to_it(values):
    layer = StochasticPooling2D(2, seed=0)
    x = window_batch(values, 7000)
    y = layer(x, training=True)
    positions = layer.backward(np.ones_like(y)).reshape(len(x), 4, 3).argmax(axis=1)
    counts = np.bincount(positions.ravel(), minlength=4)
    expected = np.array(values) / np.sum(values) * counts.sum()
    # The sampled value is the value at the position the gradient goes to.
    np.testing.assert_array_equal(y.reshape(len(x), 3), np.array(values, dtype="float32")[positions])
    assert np.all(counts[expected == 0] == 0)
    support = expected > 0
    chi_square = np.sum((counts[support] - expected[support]) ** 2 / expected[support])
    # 3 degrees of freedom at most: P(chi^2 > 16.3) = 0.001.
    assert chi_square < 16.3


def test_gradient_goes_to_the_sampled_position_only(rng):
    layer = StochasticPooling2D((2, 3), seed=1)
    x = rng.uniform(0.1, 1.0, size=(4, 5, 7, 2)).astype("float32")
    y = layer(x, training=True)
    dy = rng.normal(size=y.shape).astype("float32")
    dx = layer.backward(dy)
    assert dx.shape == x.shape
    assert np.all(dx[:, 4:] == 0) and np.all(dx[:, :, 6:] == 0)
    windows = dx[:, :4, :6].reshape(4, 2, 2, 2, 3, 2)
    assert np.all(np.count_nonzero(windows, axis=(2, 4)) == 1)
    np.testing.assert_array_equal(windows.sum(axis=(2, 4)), dy)
    picked = np.where(dx[:, :4, :6] != 0, x[:, :4, :6], 0).reshape(4, 2, 2, 2, 3, 2).sum(axis=(2, 4))
    np.testing.assert_array_equal(picked, y)


def test_new_draws_every_call_and_reproducible_from_the_seed(rng):
    x = rng.uniform(0.1, 1.0, size=(8, 6, 6, 4)).astype("float32")
    layer = StochasticPooling2D(seed=2)
    first, second = layer(x, training=True), layer(x, training=True)
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(StochasticPooling2D(seed=2)(x, training=True), first)


@pytest.mark.parametrize("pool_size, shape", [(2, (3, 6, 8, 4)), ((3, 2), (2, 7, 5, 3))])
def test_inference_matches_torch_probability_weighting(pool_size, shape, float64, rng):
    layer = StochasticPooling2D(pool_size)
    size = layer.pool_size
    x = rng.uniform(0.0, 2.0, size=shape)
    x[0, :size[0], :size[1], 0] = 0.0
    y = layer(x)
    xt = torch.tensor(x.transpose(0, 3, 1, 2), requires_grad=True)
    squares = torch.nn.functional.avg_pool2d(xt * xt, size)
    total = torch.nn.functional.avg_pool2d(xt, size)
    yt = torch.where(total > 0, squares / torch.where(total > 0, total, 1.0), 0.0)
    np.testing.assert_allclose(y, yt.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-13)
    assert y[0, 0, 0, 0] == 0
    dy = rng.normal(size=y.shape)
    yt.backward(torch.from_numpy(dy.transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(layer.backward(dy), xt.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-12, atol=1e-14)


def test_all_zero_regions_pool_to_zero_in_both_modes():
    x = np.zeros((2, 4, 4, 3), dtype="float32")
    x[0, 0, 0, 0] = 2.0
    layer = StochasticPooling2D(seed=0)
    for training in (False, True):
        y = layer(x, training=training)
        expected = np.zeros_like(y)
        expected[0, 0, 0, 0] = 2.0
        np.testing.assert_array_equal(y, expected)
        assert np.all(np.isfinite(layer.backward(np.ones_like(y))))


def test_negative_inputs_are_refused_with_the_layer_name():
    x = np.ones((1, 2, 2, 1), dtype="float32")
    x[0, 1, 1, 0] = -0.5
    with pytest.raises(ValueError, match=r"'sp' \(StochasticPooling2D\) needs non-negative inputs.*-0.5"):
        StochasticPooling2D(name="sp")(x, training=True)


def test_unseeded_sampling_follows_set_random_seed(rng):
    layer = StochasticPooling2D()
    x = rng.uniform(0.1, 1.0, size=(4, 4, 4, 2)).astype("float32")
    layerwise.utils.set_random_seed(3)
    first = layer(x, training=True)
    layerwise.utils.set_random_seed(3)
    np.testing.assert_array_equal(layer(x, training=True), first)


@pytest.mark.parametrize("pool_size", [0, (2,), (2, 0), 1.5, True])
def test_invalid_pool_size(pool_size):
    with pytest.raises(ValueError, match="pool_size must be a positive integer or a pair"):
        StochasticPooling2D(pool_size)


@pytest.mark.parametrize("shape", [(2, 4, 4), (2, 1, 4, 3)])
def test_inputs_that_are_not_maps_of_a_full_window_are_refused(shape):
    with pytest.raises(ValueError, match=r"expects inputs \(batch, rows, cols, channels\)"):
        StochasticPooling2D(2)(np.ones(shape))
