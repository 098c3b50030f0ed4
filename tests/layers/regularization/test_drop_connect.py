"""DropConnect: mask statistics, the same mask in backward, both inference rules, parity with PyTorch."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise.layers import DropConnect


def binomial_bound(p, n, sigmas=5.0):
    return sigmas * np.sqrt(p * (1 - p) / n)


def torch_backward(output, projection, *tensors):
    (output * torch.from_numpy(projection)).sum().backward()
    return [t.grad.numpy() for t in tensors]


def leaf(array):
    return torch.tensor(array, dtype=torch.float64, requires_grad=True)


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
def test_shared_mask_keeps_weights_at_rate_one_minus_rate_and_changes_every_batch(rate):
    layer = DropConnect(300, rate=rate, seed=0)
    x = np.ones((4, 200), dtype="float32")
    layer(x, training=True)
    first = layer.mask.copy()
    assert first.shape == (200, 300)
    assert abs(first.mean() - (1 - rate)) < binomial_bound(1 - rate, first.size)
    layer(x, training=True)
    changed = 2 * rate * (1 - rate)
    assert abs((first != layer.mask).mean() - changed) < binomial_bound(changed, first.size)


def test_per_sample_masks_differ_between_samples_with_the_same_rate():
    layer = DropConnect(40, rate=0.3, per_sample=True, seed=1)
    layer(np.ones((16, 50), dtype="float32"), training=True)
    assert layer.mask.shape == (16, 50, 40)
    assert abs(layer.mask.mean() - 0.7) < binomial_bound(0.7, layer.mask.size)
    assert not np.array_equal(layer.mask[0], layer.mask[1])


def test_rate_zero_is_dense_in_both_modes(rng):
    layer = DropConnect(5, rate=0.0, activation="relu", seed=0)
    x = rng.normal(size=(3, 4)).astype("float32")
    layer(x)
    reference = np.maximum(x @ layer.kernel.value + layer.bias.value, 0)
    np.testing.assert_allclose(layer(x, training=True), reference, rtol=1e-6)
    np.testing.assert_allclose(layer(x), reference, rtol=1e-6)


@pytest.mark.parametrize("per_sample", [False, True])
def test_training_matches_torch_linear_with_the_drawn_mask(per_sample, float64, rng):
    layer = DropConnect(6, rate=0.5, activation="relu", per_sample=per_sample, seed=2)
    x = rng.normal(size=(5, 7))
    y = layer(x, training=True)
    projection = rng.normal(size=y.shape)
    dx = layer.backward(projection)
    xt, wt, bt = leaf(x), leaf(layer.kernel.value), leaf(layer.bias.value)
    mask = torch.from_numpy(layer.mask.astype("float64"))
    if per_sample:
        yt = torch.relu(torch.einsum("ni,nio->no", xt, mask * wt) + bt)
    else:
        yt = torch.relu(torch.nn.functional.linear(xt, (mask * wt).T, bt))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-12)
    for ours, theirs in zip([dx, layer.kernel.grad, layer.bias.grad], torch_backward(yt, projection, xt, wt, bt)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)
    dropped_everywhere = ~layer.mask.any(axis=0) if per_sample else ~layer.mask
    assert dropped_everywhere.any() and np.all(layer.kernel.grad[dropped_everywhere] == 0)


def test_weight_scaling_inference_is_the_mean_network(float64, rng):
    layer = DropConnect(4, rate=0.25, activation="tanh", seed=0)
    x = rng.normal(size=(3, 6))
    y = layer(x)
    xt, wt, bt = leaf(x), leaf(layer.kernel.value), leaf(layer.bias.value)
    yt = torch.tanh(torch.nn.functional.linear(xt, 0.75 * wt.T, bt))
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12)
    projection = rng.normal(size=y.shape)
    dx = layer.backward(projection)
    for ours, theirs in zip([dx, layer.kernel.grad, layer.bias.grad], torch_backward(yt, projection, xt, wt, bt)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


def test_gaussian_inference_matches_torch_moment_matching_with_the_same_draws(float64, rng):
    layer = DropConnect(4, rate=0.4, activation="relu", inference="gaussian", inference_samples=9, seed=3)
    x = rng.normal(size=(3, 6))
    y = layer(x)
    xt, wt, bt = leaf(x), leaf(layer.kernel.value), leaf(layer.bias.value)
    p = 0.6
    mean = torch.nn.functional.linear(xt, p * wt.T, bt)
    std = torch.sqrt((xt * xt) @ (p * (1 - p) * wt * wt))
    yt = torch.relu(mean + std * torch.from_numpy(layer.noise)).mean(dim=0)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=1e-12, atol=1e-14)
    projection = rng.normal(size=y.shape)
    dx = layer.backward(projection)
    for ours, theirs in zip([dx, layer.kernel.grad, layer.bias.grad], torch_backward(yt, projection, xt, wt, bt)):
        np.testing.assert_allclose(ours, theirs, rtol=1e-10, atol=1e-12)


def test_gaussian_inference_is_stochastic_and_unbiased_for_a_linear_unit(rng):
    layer = DropConnect(8, rate=0.5, inference="gaussian", inference_samples=4000, seed=4)
    x = rng.normal(size=(2, 30)).astype("float32")
    first, second = layer(x), layer(x)
    mean_network = x @ (0.5 * layer.kernel.value) + layer.bias.value
    assert not np.array_equal(first, second)
    assert first.dtype == np.float32 and layer.noise.dtype == np.float32
    # The average of Z draws of N(mu, sigma^2) is within 5 sigma / sqrt(Z) of mu.
    assert np.all(np.abs(first - mean_network) < 5 * layer.std / np.sqrt(4000) + 1e-5)


def test_gaussian_inference_approximates_averaging_over_real_masks(rng):
    """Moment matching approximates E_M[relu(x (M*W) + b)] (the paper's claim), unlike weight scaling."""
    x = rng.uniform(0, 1, size=(4, 400)).astype("float32")
    layer = DropConnect(6, rate=0.5, activation="relu", per_sample=True, inference="gaussian",
                        inference_samples=20000, seed=5)
    repeats = 2000
    outputs = layer(np.repeat(x, repeats, axis=0), training=True).reshape(4, repeats, 6)
    masks_average = outputs.mean(axis=1)
    standard_error = outputs.std(axis=1).max() / np.sqrt(repeats)
    gaussian_error = np.abs(layer(x) - masks_average).max()
    layer.inference = "weight_scaling"
    weight_scaling_error = np.abs(layer(x) - masks_average).max()
    assert gaussian_error < 4 * standard_error
    assert weight_scaling_error > 5 * gaussian_error


def test_fused_preactivation_gradient_is_refused_after_gaussian_inference(rng):
    layer = DropConnect(3, activation="softmax", inference="gaussian", seed=0)
    layer(rng.normal(size=(2, 4)))
    with pytest.raises(ValueError, match="Gaussian inference"):
        layer.backward_preactivation(np.ones((2, 3), dtype="float32"))


def test_no_input_gradient_for_a_first_layer(rng):
    for per_sample in (False, True):
        layer = DropConnect(3, per_sample=per_sample, seed=0)
        y = layer(rng.normal(size=(2, 4)), training=True)
        layer.needs_input_gradient = False
        assert layer.backward(np.ones_like(y)) is None
        assert np.any(layer.kernel.grad != 0)


@pytest.mark.parametrize("kwargs, match", [
    ({"rate": 1.0}, "rate must lie in"), ({"rate": -0.1}, "rate must lie in"),
    ({"inference": "mc"}, "inference must be one of"), ({"inference_samples": 0}, "inference_samples"),
    ({"units": 0}, "units must be a positive integer"),
])
def test_invalid_arguments_name_the_argument(kwargs, match):
    with pytest.raises(ValueError, match=match):
        DropConnect(**{"units": 3, **kwargs})


def test_unseeded_masks_follow_set_random_seed_even_for_a_layer_built_earlier(rng):
    layer = DropConnect(5, seed=None)
    x = rng.normal(size=(2, 4)).astype("float32")
    layer(x)
    layerwise.utils.set_random_seed(7)
    first = layer(x, training=True), layer.mask.copy()
    layerwise.utils.set_random_seed(7)
    np.testing.assert_array_equal(layer(x, training=True), first[0])
    np.testing.assert_array_equal(layer.mask, first[1])


def test_invalid_seed():
    with pytest.raises(ValueError, match="seed must be a non-negative integer or None"):
        DropConnect(3, seed=-1)
