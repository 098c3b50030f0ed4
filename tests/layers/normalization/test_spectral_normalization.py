"""SpectralNormalization: PyTorch parity (float64: outputs, the stored u, input and weight gradients, training and
inference), the state of u, the zero kernel, Embedding and the argument errors."""

import numpy as np
import pytest
import torch
from torch.nn.utils.parametrizations import spectral_norm

from layerwise import layers
from layerwise.layers import serialization

TIGHT = dict(rtol=1e-10, atol=1e-12)


def _unit(a):
    return a / np.linalg.norm(a)


def _torch_twin(layer, module, weight, u):
    """``module`` with ``weight`` (PyTorch's layout) under spectral_norm, its u set to ``u`` and, for
    inference, its v to what the layer takes from u: v = unit(Wᵀ u)."""
    with torch.no_grad():
        module.weight.copy_(torch.tensor(weight))
        module.bias.copy_(torch.tensor(layer.layer.bias.value))
    module = spectral_norm(module, n_power_iterations=layer.power_iterations)
    parametrization = module.parametrizations.weight[0]
    with torch.no_grad():
        parametrization._u.copy_(torch.tensor(_unit(u[0])))
        matrix = weight.reshape(len(weight), -1)
        parametrization._v.copy_(torch.tensor(_unit(matrix.T @ _unit(u[0]))))
    return module, parametrization


def _compare(layer, module, parametrization, x, x_torch, to_torch, from_torch, training, rng):
    module.train(training)
    for parameter in layer.weights:
        parameter.grad[...] = 0
    y = layer(x, training=training)
    y_torch = module(x_torch)
    np.testing.assert_allclose(y, from_torch(y_torch.detach().numpy()), **TIGHT)
    np.testing.assert_allclose(_unit(layer.vector_u.value[0]), parametrization._u.numpy(), **TIGHT)
    dy = rng.normal(size=y.shape)
    y_torch.backward(torch.tensor(to_torch(dy)))
    np.testing.assert_allclose(layer.backward(dy), from_torch(x_torch.grad.numpy()), **TIGHT)
    original = module.parametrizations.weight.original
    return original.grad.numpy(), module.bias.grad.numpy()


@pytest.mark.parametrize("power_iterations", [1, 3])
def test_dense_matches_torch_spectral_norm_in_training_steps_then_inference(power_iterations, float64, rng):
    layer = layers.SpectralNormalization(layers.Dense(4, bias_initializer="random_normal"), power_iterations)
    x = rng.normal(size=(6, 5))
    layer(x, training=False)
    module, parametrization = _torch_twin(layer, torch.nn.Linear(5, 4, dtype=torch.float64),
                                          layer.layer.kernel.value.T, layer.vector_u.value)
    for training in (True, True, False):
        x_torch = torch.tensor(x, requires_grad=True)
        for p in module.parameters():
            p.grad = None
        kernel_grad, bias_grad = _compare(layer, module, parametrization, x, x_torch, lambda a: a, lambda a: a,
                                          training, rng)
        np.testing.assert_allclose(layer.layer.kernel.grad, kernel_grad.T, **TIGHT)
        np.testing.assert_allclose(layer.layer.bias.grad, bias_grad, **TIGHT)


@pytest.mark.parametrize("training", [True, False])
def test_conv2d_matches_torch_spectral_norm(training, float64, rng):
    layer = layers.SpectralNormalization(layers.Conv2D(3, (2, 3), bias_initializer="random_normal"),
                                         power_iterations=2)
    x = rng.normal(size=(2, 5, 6, 4))
    layer(x)
    kernel = layer.layer.kernel.value  # (kh, kw, C, F); PyTorch's (F, C, kh, kw)
    module, parametrization = _torch_twin(layer, torch.nn.Conv2d(4, 3, (2, 3), dtype=torch.float64),
                                          kernel.transpose(3, 2, 0, 1), layer.vector_u.value)
    x_torch = torch.tensor(np.moveaxis(x, -1, 1).copy(), requires_grad=True)
    kernel_grad, bias_grad = _compare(layer, module, parametrization, x, x_torch,
                                      lambda a: np.moveaxis(a, -1, 1).copy(), lambda a: np.moveaxis(a, 1, -1),
                                      training, rng)
    np.testing.assert_allclose(layer.layer.kernel.grad, kernel_grad.transpose(2, 3, 1, 0), **TIGHT)
    np.testing.assert_allclose(layer.layer.bias.grad, bias_grad, **TIGHT)


def test_u_moves_in_training_only_and_converges_to_the_top_singular_vector(rng):
    layer = layers.SpectralNormalization(layers.Dense(3, use_bias=False))
    x = rng.normal(size=(4, 6)).astype(np.float32)
    layer(x)
    u = layer.vector_u.value.copy()
    layer(x, training=False)
    np.testing.assert_array_equal(layer.vector_u.value, u)
    for _ in range(60):  # one iteration per training call: u carries the power iteration across calls
        y = layer(x, training=True)
    kernel = layer.layer.kernel.value
    assert not np.array_equal(layer.vector_u.value, u) and layer.vector_u.value.dtype == np.float32
    assert y.dtype == np.float32 and layer.backward(np.ones_like(y)).dtype == np.float32
    np.testing.assert_allclose(y, x @ (kernel / np.linalg.norm(kernel, 2)), rtol=1e-4, atol=1e-5)
    top = np.linalg.svd(kernel)[2][0]
    np.testing.assert_allclose(abs(layer.vector_u.value[0] @ top), 1.0, rtol=1e-4)
    assert layer.layer.kernel.value is kernel  # the kernel keeps W; every call divides by sigma


def test_embedding_is_normalized_by_the_largest_singular_value_of_its_table(float64):
    layer = layers.SpectralNormalization(layers.Embedding(7, 3), power_iterations=100)
    ids = np.array([[1, 4, 6]])
    y = layer(ids, training=True)
    table = layer.layer.embeddings.value
    np.testing.assert_allclose(y, table[ids] / np.linalg.norm(table, 2), rtol=1e-8)
    dy = np.ones_like(y)
    layer.backward(dy)
    u, singular_values, v = np.linalg.svd(table)  # sigma's gradient reaches every row, through u vᵀ
    gathered = np.zeros_like(table)
    np.add.at(gathered, ids[0], dy[0])
    expected = (gathered - np.sum(gathered * table) / singular_values[0] * np.outer(u[:, 0], v[0]))
    np.testing.assert_allclose(layer.layer.embeddings.grad, expected / singular_values[0], rtol=1e-8, atol=1e-12)


def test_an_all_zero_kernel_passes_unchanged(float64, rng):
    layer = layers.SpectralNormalization(layers.Dense(2, kernel_initializer="zeros", bias_initializer="ones"))
    x = rng.normal(size=(3, 4))
    layer(x)
    u = layer.vector_u.value.copy()
    np.testing.assert_array_equal(layer(x, training=True), np.ones((3, 2)))
    np.testing.assert_array_equal(layer.vector_u.value, u)
    dy = rng.normal(size=(3, 2))
    layer.backward(dy)
    np.testing.assert_allclose(layer.layer.kernel.grad, x.T @ dy)


def test_config_round_trip_keeps_the_wrapped_layer_and_power_iterations(rng):
    layer = layers.SpectralNormalization(layers.Dense(3, activation="relu", name="inner"), power_iterations=4)
    x = rng.normal(size=(2, 5)).astype(np.float32)
    layer(x, training=True)
    clone = serialization.deserialize(serialization.serialize(layer))
    assert clone.power_iterations == 4 and clone.layer.name == "inner" and clone.layer.activation.name == "relu"
    clone(x)
    clone.set_weights(layer.get_weights())
    assert [p.name.split("/")[-1] for p in clone.weights] == ["kernel", "bias", "vector_u"]
    np.testing.assert_array_equal(clone(x), layer(x))


def test_argument_and_layer_errors():
    with pytest.raises(ValueError, match="SpectralNormalization: power_iterations must be a positive integer, "
                                         "received 0"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="SpectralNormalization: layer must be a Layer instance"):
        layers.SpectralNormalization(np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"SpectralNormalization 'sn': the wrapped layer 'flat' \(Flatten\) has no "
                                         r"'kernel' nor 'embeddings' weight"):
        layers.SpectralNormalization(layers.Flatten(name="flat"), name="sn")(np.ones((1, 2, 2)))
