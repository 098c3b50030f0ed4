"""Residual networks: the vanishing gradient of a deep plain net, shortcut variants, PyTorch parity."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import layers
from layerwise.applications import residual_block, residual_mlp, resnet_cifar
from layerwise.diagnostics import gradient_norms
from layerwise.testing import check_gradients


def _norms_after_training(plain, rng, shortcut="identity", steps=3):
    x = rng.normal(size=(128, 32)).astype("float32")
    y = np.eye(10, dtype="float32")[rng.integers(0, 10, 128)]
    model = residual_mlp((32,), units=32, blocks=27, classes=10, plain=plain, shortcut=shortcut,
                         kernel_initializer="glorot_uniform")
    model.compile(optimizer=layerwise.optimizers.SGD(1e-3), loss="categorical_crossentropy")
    for _ in range(steps):
        model.train_on_batch(x, y)
    return list(gradient_norms(model, x, y).values())


def test_56_layer_plain_net_has_vanishing_gradients_and_the_resnet_does_not(rng):
    plain = _norms_after_training(True, rng)
    residual = _norms_after_training(False, rng)
    assert len(plain) == len(residual) == 56
    # Plain: the signal dies on the way down and back, only the classifier learns (lecture 001:
    # dE/dx_l = dE/dx_L prod W_i). Residual: dE/dx_l = dE/dx_L (1 + ...), every layer gets a gradient.
    assert plain[0] / plain[-1] < 1e-3
    assert residual[0] / residual[-1] > 0.05
    assert min(residual) > 1e4 * max(plain[:-1])


def test_constant_scaling_shortcut_shrinks_the_gradient_reaching_the_first_layers(rng):
    identity = _norms_after_training(False, rng, steps=0)
    scaled = _norms_after_training(False, rng, "scaling", steps=0)
    # lambda = 0.5 over 27 blocks: the direct term lambda^(L - l) (lecture 001) vanishes, forward and back.
    assert scaled[0] < 1e-3 * identity[0]


@pytest.mark.parametrize("shortcut", ["identity", "scaling", "projection", "dropout"])
def test_gradients_through_residual_mlp_shortcuts(shortcut, float64, rng):
    model = residual_mlp((5,), units=4, blocks=2, classes=3, shortcut=shortcut, batch_norm=True)
    for layer in model.layers:
        if isinstance(layer, layers.BatchNormalization):
            # A random shift keeps a whole dead ReLU layer from putting the next ReLU exactly on its kink.
            layer.beta.assign(rng.normal(size=layer.beta.shape))
    report = check_gradients(model, rng.normal(size=(6, 5)), modes=("training", "inference"))
    assert report.passed, f"\n{report}"


def test_plain_counterpart_has_the_same_layers_without_the_shortcuts():
    residual = residual_mlp((8,), units=4, blocks=3, classes=2)
    plain = residual_mlp((8,), units=4, blocks=3, classes=2, plain=True)
    assert residual.count_params() == plain.count_params() == (8 * 4 + 4) + 6 * (4 * 4 + 4) + (4 * 2 + 2)
    assert sum(isinstance(layer, layers.Add) for layer in residual.layers) == 3
    assert not any(isinstance(layer, layers.Add) for layer in plain.layers)


def test_projection_where_the_block_changes_width():
    x = layerwise.Input(shape=(6,))
    y = residual_block(x, lambda t: layers.Dense(3)(t), lambda t: layers.Dense(3, name="projection")(t))
    model = layerwise.Model(x, y)
    assert model.get_layer("projection").kernel.shape == (6, 3)


def test_residual_block_matches_torch(float64, rng):
    """act(BN(W2 act(BN(W1 x))) + x) in training mode: outputs, all gradients and running statistics."""
    x = layerwise.Input(shape=(5,))
    dense1, dense2 = layers.Dense(5, use_bias=False), layers.Dense(5, use_bias=False)
    norm1, norm2 = layers.BatchNormalization(momentum=0.9), layers.BatchNormalization(momentum=0.9)
    y = residual_block(x, lambda t: norm2(dense2(layers.Activation("relu")(norm1(dense1(t))))), None)
    model = layerwise.Model(x, y)
    linear1, linear2 = (torch.nn.Linear(5, 5, bias=False, dtype=torch.float64) for _ in range(2))
    bn1, bn2 = (torch.nn.BatchNorm1d(5, eps=1e-3, momentum=0.1, dtype=torch.float64) for _ in range(2))
    with torch.no_grad():
        linear1.weight.copy_(torch.tensor(dense1.kernel.value.T))
        linear2.weight.copy_(torch.tensor(dense2.kernel.value.T))
    data, dy = rng.normal(size=(8, 5)), rng.normal(size=(8, 5))
    out = model.call(data, training=True)
    dx = model.backward(dy)
    xt = torch.tensor(data, requires_grad=True)
    yt = torch.relu(bn2(linear2(torch.relu(bn1(linear1(xt))))) + xt)
    yt.backward(torch.tensor(dy))
    np.testing.assert_allclose(out, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
    for dense, linear in ((dense1, linear1), (dense2, linear2)):
        np.testing.assert_allclose(dense.kernel.grad, linear.weight.grad.numpy().T, rtol=1e-9, atol=1e-12)
    for norm, bn in ((norm1, bn1), (norm2, bn2)):
        np.testing.assert_allclose(norm.gamma.grad, bn.weight.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(norm.beta.grad, bn.bias.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(norm.moving_mean.value, bn.running_mean.numpy(), rtol=1e-10, atol=1e-12)
        # Keras moves towards the biased batch variance, PyTorch towards the unbiased m/(m-1) one (m = 8).
        torch_batch_variance = (bn.running_var.numpy() - 0.9) / 0.1
        keras_batch_variance = (norm.moving_variance.value - 0.9) / 0.1
        np.testing.assert_allclose(keras_batch_variance, torch_batch_variance * 7 / 8, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("call, message", [
    (lambda: resnet_cifar(21), "6n \\+ 2"),
    (lambda: resnet_cifar(20, shortcut="gated"), "shortcut must be one of"),
    (lambda: resnet_cifar(20, filters=(8, 16)), "filters must be 3 positive integers"),
    (lambda: residual_mlp((4,), blocks=0), "blocks"),
])
def test_invalid_builder_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()
