"""Lion, Lamb, Ftrl and Adafactor against their update rules as Keras writes them, step by step on a gradient
sequence (reference implementations written out below in plain NumPy), and each one training a model."""

import numpy as np
import pytest

import layerwise
from layerwise import optimizers
from layerwise.layers import Dense, Parameter

STEPS = 25


def lion_reference(theta, grads, lr=0.01, beta_1=0.9, beta_2=0.99):
    m = np.zeros_like(theta)
    for g in grads:
        theta = theta - lr * np.sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g
    return theta


def lamb_reference(theta, grads, lr=0.01, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m, v = np.zeros_like(theta), np.zeros_like(theta)
    for t, g in enumerate(grads, 1):
        m = m + (g - m) * (1 - beta_1)
        v = v + (g * g - v) * (1 - beta_2)
        update = (m / (1 - beta_1 ** t)) / (np.sqrt(v / (1 - beta_2 ** t)) + epsilon)
        w_norm, u_norm = np.sqrt(np.sum(theta ** 2)), np.sqrt(np.sum(update ** 2))
        ratio = w_norm / u_norm if w_norm > 0 and u_norm > 0 else 1.0
        theta = theta - ratio * lr * update
    return theta


def ftrl_reference(theta, grads, lr=0.05, power=-0.5, n0=0.1, l1=0.01, l2=0.02, shrinkage=0.03, beta=0.1):
    n, z = np.full_like(theta, n0), np.zeros_like(theta)
    for g in grads:
        new_n = n + g * g
        z = z + (g + 2 * shrinkage * theta) - (new_n ** -power - n ** -power) / lr * theta
        quadratic = new_n ** -power / lr + 2 * (l2 + beta / (2 * lr))
        theta = (np.clip(z, -l1, l1) - z) / quadratic
        n = new_n
    return theta


def adafactor_reference(theta, grads, lr=0.01, decay=-0.8, eps1=1e-30, eps2=1e-3, clip=1.0):
    def rms(x):
        return np.sqrt(np.mean(x ** 2))
    r, c, v = np.zeros(theta.shape[:-1]), np.zeros(theta.shape[-1:]), np.zeros_like(theta)
    for t, g in enumerate(grads, 1):
        rho = min(lr, 1 / np.sqrt(t))
        alpha = max(eps2, rms(theta)) * rho
        squares = g ** 2 + eps1
        beta_2 = 1 - t ** decay
        if theta.ndim >= 2:
            r = beta_2 * r + (1 - beta_2) * squares.mean(-1)
            c = beta_2 * c + (1 - beta_2) * squares.mean(-2)
            v = np.outer(r / r.mean(), c)
        else:
            v = beta_2 * v + (1 - beta_2) * squares
        u = g / np.sqrt(v)
        theta = theta - alpha * u / max(1.0, rms(u) / clip)
    return theta


CASES = [
    ("lion", lambda: optimizers.Lion(0.01), lion_reference),
    ("lamb", lambda: optimizers.Lamb(0.01), lamb_reference),
    ("ftrl", lambda: optimizers.Ftrl(0.05, l1_regularization_strength=0.01, l2_regularization_strength=0.02,
                                     l2_shrinkage_regularization_strength=0.03, beta=0.1), ftrl_reference),
    ("adafactor", lambda: optimizers.Adafactor(0.01), adafactor_reference),
]


@pytest.mark.parametrize("shape", [(5, 3), (4,)])
@pytest.mark.parametrize("factory, reference", [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_steps_follow_kerass_update_rule(factory, reference, shape, float64, rng):
    start = rng.normal(size=shape)
    grads = [rng.normal(size=shape) * (1 + 3 * (step % 5 == 0)) for step in range(STEPS)]
    parameter, optimizer = Parameter(start.copy(), "w"), factory()
    for g in grads:
        parameter.grad[...] = g
        optimizer.apply([parameter])
    np.testing.assert_allclose(parameter.value, reference(start, grads), rtol=1e-10, atol=1e-13)


def test_lamb_and_adafactor_read_the_whole_tensor_even_when_large(float64, rng):
    """Their norms and means span the whole tensor, also of a large one."""
    start = rng.normal(size=(300, 200))
    grads = [rng.normal(size=start.shape) for _ in range(3)]
    for factory, reference in ((lambda: optimizers.Lamb(0.01), lamb_reference),
                               (lambda: optimizers.Adafactor(0.01), adafactor_reference)):
        parameter, optimizer = Parameter(start.copy(), "w"), factory()
        for g in grads:
            parameter.grad[...] = g
            optimizer.apply([parameter])
        np.testing.assert_allclose(parameter.value, reference(start, grads), rtol=1e-9, atol=1e-12)


def test_ftrl_l1_gives_exact_zeros(rng):
    parameter, optimizer = Parameter(np.zeros(50), "w"), optimizers.Ftrl(0.1, l1_regularization_strength=5.0)
    for _ in range(10):
        parameter.grad[...] = rng.normal(scale=0.1, size=50)
        optimizer.apply([parameter])
    assert np.all(parameter.value == 0.0)


@pytest.mark.parametrize("name", ["lion", "lamb", "ftrl", "adafactor"])
def test_each_trains_a_regression_by_name(name, rng):
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(1)])
    optimizer = optimizers.get(name)
    optimizer.learning_rate = 0.3 if name == "ftrl" else 0.05
    model.compile(optimizer=optimizer, loss="mse")
    first = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, batch_size=16, verbose=0)
    assert model.evaluate(x, y, verbose=0) < 0.2 * first


@pytest.mark.parametrize("make, message", [
    (lambda: optimizers.Lion(beta_1=0.0), "Lion: beta_1 must lie in \\(0, 1\\]"),
    (lambda: optimizers.Lamb(epsilon=-1.0), "Lamb: epsilon must be >= 0"),
    (lambda: optimizers.Ftrl(learning_rate_power=0.5), "Ftrl: learning_rate_power must be <= 0"),
    (lambda: optimizers.Ftrl(l1_regularization_strength=-1.0), "Ftrl: l1_regularization_strength must be >= 0"),
    (lambda: optimizers.Adafactor(beta_2_decay=0.2), "Adafactor: beta_2_decay must be negative"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()
