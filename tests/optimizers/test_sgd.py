"""SGD: 20 steps against torch.optim.SGD (plain, momentum, Nesterov), on raw gradients and on a model."""

import numpy as np
import pytest
import torch

import layerwise
from layerwise import optimizers
from layerwise.layers import Dense, Parameter

STEPS = 20
SETTINGS = [
    {"learning_rate": 0.1},
    {"learning_rate": 0.05, "momentum": 0.9},
    {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
    {"learning_rate": 0.3, "momentum": 0.5, "nesterov": True},
]
IDS = ["plain", "momentum", "nesterov", "nesterov_0.5"]


def _torch_sgd(parameters, learning_rate, momentum=0.0, nesterov=False):
    return torch.optim.SGD(parameters, lr=learning_rate, momentum=momentum, nesterov=nesterov)


@pytest.mark.parametrize("settings", SETTINGS, ids=IDS)
def test_twenty_steps_on_the_same_gradients_match_torch(settings, rng):
    start = [rng.normal(size=(3, 4)), rng.normal(size=(4,))]
    gradients = [[rng.normal(size=w.shape) for w in start] for _ in range(STEPS)]
    ours = [Parameter(w.copy(), f"w{i}") for i, w in enumerate(start)]
    theirs = [torch.nn.Parameter(torch.tensor(w)) for w in start]
    optimizer, reference = optimizers.SGD(**settings), _torch_sgd(theirs, **settings)
    for step_gradients in gradients:
        for parameter, tensor, gradient in zip(ours, theirs, step_gradients):
            parameter.grad[...] = gradient
            tensor.grad = torch.tensor(gradient)
        optimizer.apply(ours)
        reference.step()
        for parameter, tensor in zip(ours, theirs):
            np.testing.assert_allclose(parameter.value, tensor.detach().numpy(), rtol=1e-12, atol=1e-13)
    assert optimizer.iterations == STEPS


@pytest.mark.parametrize("settings", SETTINGS, ids=IDS)
def test_a_dense_model_trained_twenty_steps_matches_torch(settings, float64, rng, matrix_products):
    """Dense(5, tanh) -> Dense(3, softmax) with cross-entropy (the fused path) against nn.Linear; by MKL, plain
    gradient descent adds -α x^T dJ/dz into each kernel in its product (`Parameter.grad_factors`)."""
    x = rng.normal(size=(STEPS, 8, 4))
    labels = rng.integers(0, 3, size=(STEPS, 8))
    model = layerwise.Sequential([layerwise.Input(shape=(4,)), Dense(5, activation="tanh"),
                                  Dense(3, activation="softmax")])
    model.compile(optimizer=optimizers.SGD(**settings), loss="sparse_categorical_crossentropy")
    first, second = torch.nn.Linear(4, 5).double(), torch.nn.Linear(5, 3).double()
    with torch.no_grad():
        for linear, layer in zip((first, second), model.layers):
            linear.weight.copy_(torch.tensor(layer.kernel.value.T))
            linear.bias.copy_(torch.tensor(rng.normal(size=layer.units)))
            layer.bias.value[...] = linear.bias.numpy()
    reference = _torch_sgd([*first.parameters(), *second.parameters()], **settings)
    for x_batch, y_batch in zip(x, labels):
        loss = model.train_on_batch(x_batch, y_batch)
        reference.zero_grad()
        torch_loss = torch.nn.functional.cross_entropy(second(torch.tanh(first(torch.tensor(x_batch)))),
                                                       torch.tensor(y_batch))
        torch_loss.backward()
        reference.step()
        assert loss == pytest.approx(torch_loss.item(), rel=1e-12)
    for linear, layer in zip((first, second), model.layers):
        np.testing.assert_allclose(layer.kernel.value, linear.weight.detach().numpy().T, rtol=1e-11, atol=1e-13)
        np.testing.assert_allclose(layer.bias.value, linear.bias.detach().numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("dtype, rtol", [(np.float32, 1e-5), (np.float64, 1e-12)])
def test_a_gradient_kept_as_its_factors_is_stepped_as_the_formed_one(dtype, rtol, rng, matrix_products):
    x, dz = rng.normal(size=(16, 6)).astype(dtype), rng.normal(size=(16, 5)).astype(dtype)
    start = rng.normal(size=(6, 5)).astype(dtype)
    kernel = Parameter(start.copy(), "dense/kernel")
    kernel.zero_grad()
    kernel.accumulate_matmul(x.T, dz, deferred=True)
    assert kernel.grad_factors is not None and kernel.grad_norm_bound == pytest.approx(
        2 * np.linalg.norm(x) * np.linalg.norm(dz), rel=1e-5)
    bound = kernel.grad_norm_bound
    optimizer = optimizers.SGD(learning_rate=0.1)
    optimizer.apply([kernel])
    np.testing.assert_allclose(kernel.value, start - dtype(0.1) * (x.T @ dz), rtol=rtol, atol=rtol)
    if matrix_products == "mkl":  # stepped by GEMM from the factors: how far θ moved is bounded, θ is not read
        assert kernel not in optimizer.updated_squared_norms
        assert optimizer.update_norm_bounds[kernel] == pytest.approx(0.1 * bound)
        assert np.linalg.norm(kernel.value.astype(np.float64) - start) <= optimizer.update_norm_bounds[kernel]
    else:  # the product formed, the step sums ||θ||^2 as it writes θ
        assert kernel not in optimizer.update_norm_bounds
        assert optimizer.updated_squared_norms[kernel] == pytest.approx(float(np.vdot(kernel.value, kernel.value)),
                                                                        rel=10 * rtol)
    np.testing.assert_allclose(kernel.grad, x.T @ dz, rtol=rtol, atol=rtol)  # still there to read, formed now
    assert kernel.grad_factors is None


def test_a_gradient_kept_as_factors_is_formed_before_anything_else_touches_it(rng):
    a, b, c = rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), rng.normal(size=(3, 2))
    kernel = Parameter(np.zeros((3, 2)), "dense/kernel")
    kernel.zero_grad()
    kernel.accumulate_matmul(a, b, deferred=True)
    kernel.accumulate_matmul(a, b, deferred=True)  # a shared layer's second call adds to the first
    np.testing.assert_allclose(kernel.grad, 2 * (a @ b))
    kernel.zero_grad()
    kernel.accumulate_matmul(a, b, deferred=True)
    grad, overwrite = kernel.grad_buffer()  # another kernel's writes add to it
    assert not overwrite
    grad += c
    np.testing.assert_allclose(kernel.grad, a @ b + c)
    kernel.zero_grad()
    kernel.accumulate_matmul(a, b, deferred=True)
    kernel.zero_grad()  # dropped unread
    assert kernel.grad_factors is None
    np.testing.assert_array_equal(kernel.grad, 0.0)
    kernel.accumulate_matmul(a, b, deferred=True)
    kernel.grad = c.copy()
    assert kernel.grad_factors is None
    np.testing.assert_array_equal(kernel.grad, c)
    kernel.zero_grad()
    kernel.accumulate_matmul(a, b, deferred=True)
    optimizers.SGD(learning_rate=0.1, clipvalue=0.01).apply([kernel])  # clipping reads the gradient
    assert np.abs(kernel.grad).max() <= 0.01 and kernel.grad_factors is None


def test_a_hand_computed_momentum_sequence():
    """v <- 0.9 v - 0.1 g; w <- w + v, with g = 1 every step: w = 1 - 0.1, then - 0.19, then - 0.271."""
    w = Parameter(np.array([1.0]), "w")
    optimizer = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    values = []
    for _ in range(3):
        w.grad[...] = 1.0
        optimizer.apply([w])
        values.append(w.value[0])
    np.testing.assert_allclose(values, [0.9, 0.71, 0.439])
    np.testing.assert_allclose(optimizer.variables[0], [-0.271])


def test_lr_is_an_alias_of_learning_rate():
    with pytest.warns(DeprecationWarning, match="the argument lr is Keras 2's"):
        assert optimizers.SGD(lr=0.1).learning_rate == 0.1
    assert optimizers.SGD(0.2).learning_rate == 0.2
    assert optimizers.get("sgd").learning_rate == 0.01


def test_a_schedule_is_evaluated_at_the_step_count():
    w = Parameter(np.array([0.0]), "w")
    optimizer = optimizers.SGD(learning_rate=lambda step: 1.0 / (step + 1))
    for _ in range(3):
        w.grad[...] = -1.0
        optimizer.apply([w])
    np.testing.assert_allclose(w.value, [1.0 + 1 / 2 + 1 / 3])


def test_non_trainable_parameters_are_left_alone():
    frozen = Parameter(np.array([1.0]), "frozen", trainable=False)
    frozen.grad[...] = 5.0
    optimizers.SGD(learning_rate=1.0).apply([frozen])
    np.testing.assert_array_equal(frozen.value, [1.0])


def test_float32_parameters_stay_float32():
    w = Parameter(np.ones(3, dtype=np.float32), "w")
    w.grad[...] = 1.0
    optimizer = optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    optimizer.apply([w])
    assert w.value.dtype == np.float32 and optimizer.variables[0].dtype == np.float32


@pytest.mark.parametrize("momentum", [-0.1, 1.0, 1.5])
def test_invalid_momentum_is_refused(momentum):
    with pytest.raises(ValueError, match=rf"SGD: momentum must lie in \[0, 1\), received {momentum}"):
        optimizers.SGD(momentum=momentum)


@pytest.mark.parametrize("learning_rate", [-0.1, "fast", [0.1], True])
def test_invalid_learning_rate_is_refused(learning_rate):
    with pytest.raises(ValueError, match=r"SGD: learning_rate must be a non-negative float"):
        optimizers.SGD(learning_rate=learning_rate)


def test_config_round_trip_and_get():
    optimizer = optimizers.SGD(learning_rate=0.3, momentum=0.8, nesterov=True, name="mine")
    clone = optimizers.get(optimizers.serialize(optimizer))
    assert type(clone) is optimizers.SGD and clone.get_config() == optimizer.get_config()
    assert optimizers.get(optimizer) is optimizer
    with pytest.raises(ValueError, match=r"Unknown optimizer 'sgdd'.*'sgd'"):
        optimizers.get("sgdd")
