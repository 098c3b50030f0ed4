"""Normalization layers: PyTorch parity (outputs, gradients, running statistics) and train/test behaviour."""

import numpy as np
import pytest
import torch

from layerwise import layers

TIGHT = dict(rtol=1e-10, atol=1e-10)


def _grads_like_torch(layer, x, dy, training):
    y = layer(x, training=training)
    for p in layer.weights:
        p.grad[...] = 0
    return y, layer.backward(dy)


def _to_nchw(a):
    return torch.tensor(np.moveaxis(a, -1, 1), requires_grad=True)


def _torch_backward(module, x_torch, y_torch, dy):
    y_torch.backward(torch.tensor(dy))
    return x_torch.grad.numpy(), module.weight.grad.numpy(), module.bias.grad.numpy()


@pytest.mark.parametrize("shape", [(8, 5), (4, 3, 3, 5)], ids=["after_dense", "nhwc"])
def test_batch_norm_matches_torch_over_training_steps_and_inference(shape, float64, rng):
    momentum, epsilon = 0.9, 1e-3
    layer = layers.BatchNormalization(momentum=momentum, epsilon=epsilon, gamma_initializer="random_normal",
                                      beta_initializer="random_normal")
    nd = len(shape)
    reference = (torch.nn.BatchNorm1d if nd == 2 else torch.nn.BatchNorm2d)(
        shape[-1], eps=epsilon, momentum=1 - momentum, dtype=torch.float64)
    layer(np.zeros(shape))
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(layer.gamma.value))
        reference.bias.copy_(torch.tensor(layer.beta.value))
    to_torch = _to_nchw if nd == 4 else (lambda a: torch.tensor(a, requires_grad=True))
    from_torch = (lambda t: np.moveaxis(t, 1, -1)) if nd == 4 else (lambda t: t)
    m = int(np.prod(shape[:-1]))
    expected_moving_variance = np.ones(shape[-1])
    for _ in range(3):
        x, dy = rng.normal(2.0, 3.0, size=shape), rng.normal(size=shape)
        y, dx = _grads_like_torch(layer, x, dy, training=True)
        reference.train()
        reference.zero_grad()
        torch_previous = reference.running_var.numpy().copy()
        x_torch = to_torch(x)
        y_torch = reference(x_torch)
        dx_torch, dgamma, dbeta = _torch_backward(reference, x_torch, y_torch, to_torch(dy).detach().numpy())
        np.testing.assert_allclose(y, from_torch(y_torch.detach().numpy()), **TIGHT)
        np.testing.assert_allclose(dx, from_torch(dx_torch), rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(layer.gamma.grad, dgamma, **TIGHT)
        np.testing.assert_allclose(layer.beta.grad, dbeta, **TIGHT)
        np.testing.assert_allclose(layer.moving_mean.value, reference.running_mean.numpy(), **TIGHT)
        # Keras moves towards the biased batch variance, PyTorch towards the unbiased m/(m-1) one.
        biased_variance = x.reshape(-1, shape[-1]).var(axis=0)
        expected_moving_variance = momentum * expected_moving_variance + (1 - momentum) * biased_variance
        np.testing.assert_allclose(layer.moving_variance.value, expected_moving_variance, **TIGHT)
        torch_batch_variance = (reference.running_var.numpy() - momentum * torch_previous) / (1 - momentum)
        np.testing.assert_allclose(torch_batch_variance * (m - 1) / m, biased_variance, **TIGHT)
    reference.eval()
    reference.zero_grad()
    x, dy = rng.normal(size=shape), rng.normal(size=shape)
    layer.moving_variance.assign(reference.running_var.numpy())
    y, dx = _grads_like_torch(layer, x, dy, training=False)
    x_torch = to_torch(x)
    y_torch = reference(x_torch)
    dx_torch, dgamma, dbeta = _torch_backward(reference, x_torch, y_torch, to_torch(dy).detach().numpy())
    np.testing.assert_allclose(y, from_torch(y_torch.detach().numpy()), **TIGHT)
    np.testing.assert_allclose(dx, from_torch(dx_torch), **TIGHT)
    np.testing.assert_allclose(layer.gamma.grad, dgamma, **TIGHT)


def test_batch_norm_inference_uses_moving_statistics_and_leaves_them(rng):
    layer = layers.BatchNormalization(moving_mean_initializer="ones", moving_variance_initializer="ones")
    x = rng.normal(5.0, 2.0, size=(16, 3)).astype("float32")
    y = layer(x, training=False)
    np.testing.assert_allclose(y, (x - 1) / np.sqrt(1 + 1e-3), rtol=1e-6)
    np.testing.assert_array_equal(layer.moving_mean.value, np.ones(3, dtype="float32"))
    layer(x, training=True)
    np.testing.assert_allclose(layer.moving_mean.value, 0.99 + 0.01 * x.mean(axis=0), rtol=1e-6)
    assert [p.name for p in layer.non_trainable_weights] == [
        "batch_normalization/moving_mean", "batch_normalization/moving_variance"]


def test_frozen_batch_norm_runs_in_inference_mode_while_training(rng):
    layer = layers.BatchNormalization(trainable=False)
    x = rng.normal(3.0, 1.0, size=(8, 2)).astype("float32")
    np.testing.assert_array_equal(layer(x, training=True), layer(x, training=False))
    np.testing.assert_array_equal(layer.moving_mean.value, np.zeros(2, dtype="float32"))


def test_layer_norm_matches_torch(float64, rng):
    x, dy = rng.normal(size=(4, 3, 6)), rng.normal(size=(4, 3, 6))
    layer = layers.LayerNormalization(axis=[1, 2], gamma_initializer="random_normal",
                                      beta_initializer="random_normal")
    layer(x)
    reference = torch.nn.LayerNorm((3, 6), eps=1e-3, dtype=torch.float64)
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(layer.gamma.value))
        reference.bias.copy_(torch.tensor(layer.beta.value))
    y, dx = _grads_like_torch(layer, x, dy, training=True)
    x_torch = torch.tensor(x, requires_grad=True)
    y_torch = reference(x_torch)
    dx_torch, dgamma, dbeta = _torch_backward(reference, x_torch, y_torch, dy)
    np.testing.assert_allclose(y, y_torch.detach().numpy(), **TIGHT)
    np.testing.assert_allclose(dx, dx_torch, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(layer.gamma.grad, dgamma, **TIGHT)
    np.testing.assert_allclose(layer.beta.grad, dbeta, **TIGHT)


@pytest.mark.parametrize("groups", [1, 3, -1])
def test_group_and_instance_norm_match_torch(groups, float64, rng):
    channels = 6
    x, dy = rng.normal(size=(2, 4, 5, channels)), rng.normal(size=(2, 4, 5, channels))
    kwargs = dict(gamma_initializer="random_normal", beta_initializer="random_normal")
    layer = layers.InstanceNormalization(**kwargs) if groups == -1 else layers.GroupNormalization(groups, **kwargs)
    layer(x)
    reference = torch.nn.GroupNorm(channels if groups == -1 else groups, channels, eps=1e-3, dtype=torch.float64)
    with torch.no_grad():
        reference.weight.copy_(torch.tensor(layer.gamma.value))
        reference.bias.copy_(torch.tensor(layer.beta.value))
    y, dx = _grads_like_torch(layer, x, dy, training=True)
    x_torch = _to_nchw(x)
    y_torch = reference(x_torch)
    dx_torch, dgamma, dbeta = _torch_backward(reference, x_torch, y_torch, np.moveaxis(dy, -1, 1))
    np.testing.assert_allclose(y, np.moveaxis(y_torch.detach().numpy(), 1, -1), **TIGHT)
    np.testing.assert_allclose(dx, np.moveaxis(dx_torch, 1, -1), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(layer.gamma.grad, dgamma, **TIGHT)
    np.testing.assert_allclose(layer.beta.grad, dbeta, **TIGHT)


@pytest.mark.parametrize("factory, message", [
    (lambda: layers.BatchNormalization(momentum=1.0), "momentum"),
    (lambda: layers.BatchNormalization(axis=[1, 2]), "axis"),
    (lambda: layers.LayerNormalization(epsilon=0), "epsilon"),
    (lambda: layers.GroupNormalization(groups=0), "groups"),
])
def test_invalid_arguments_are_named(factory, message):
    with pytest.raises(ValueError, match=message):
        factory()


def test_shape_dependent_errors_name_the_layer():
    with pytest.raises(ValueError, match="group_normalization.*5 channels.*groups=2"):
        layers.GroupNormalization(groups=2)(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="batch axis"):
        layers.LayerNormalization(axis=0)(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="rank >= 3"):
        layers.InstanceNormalization()(np.zeros((2, 5)))


def test_batch_norm_refuses_to_train_on_an_empty_batch_and_passes_one_in_inference():
    layer = layers.BatchNormalization(name="bn")
    empty = np.zeros((0, 4, 4, 3), np.float32)
    with pytest.raises(ValueError, match="BatchNormalization 'bn': training needs at least one value per channel"):
        layer(empty, training=True)
    assert layer(empty).shape == empty.shape and layer.backward(empty).shape == empty.shape
    np.testing.assert_array_equal(layer.moving_mean.value, 0)
