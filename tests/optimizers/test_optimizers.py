"""The common Optimizer machinery: clipping, decoupled weight decay, schedules, state, configs, dtypes."""

import math

import numpy as np
import pytest

from layerwise import constraints, optimizers
from layerwise.layers import Parameter
from layerwise.optimizers import schedules

# One name per class; LossScaleOptimizer wraps another optimizer (tests/optimizers/test_loss_scale_optimizer.py).
ALL = sorted(name for name in optimizers._TABLE if name.islower() and name != "lossscaleoptimizer")


def make_parameters(rng, dtype="float64"):
    parameters = [Parameter(rng.normal(size=shape).astype(dtype), f"w{i}") for i, shape in enumerate([(3, 2), (2,)])]
    for parameter in parameters:
        parameter.grad[...] = rng.normal(size=parameter.shape) * 5
    return parameters


def test_clipvalue_clips_each_entry(rng):
    parameters = make_parameters(rng)
    before = [p.value.copy() for p in parameters]
    grads = [np.clip(p.grad, -0.5, 0.5) for p in parameters]
    optimizers.SGD(0.1, clipvalue=0.5).apply(parameters)
    for parameter, value, grad in zip(parameters, before, grads):
        np.testing.assert_allclose(parameter.value, value - 0.1 * grad)


def test_clipnorm_is_per_tensor_and_global_clipnorm_is_joint(rng):
    parameters = make_parameters(rng)
    norms = [np.linalg.norm(p.grad) for p in parameters]
    global_norm = math.sqrt(sum(n * n for n in norms))
    expected_per_tensor = [p.grad * min(1.0, 1.0 / n) for p, n in zip(parameters, norms)]
    expected_global = [p.grad * 1.0 / global_norm for p in parameters]
    optimizers.SGD(clipnorm=1.0).clip_gradients([p.grad for p in parameters])
    for parameter, expected in zip(parameters, expected_per_tensor):
        np.testing.assert_allclose(parameter.grad, expected)
        assert np.linalg.norm(parameter.grad) <= 1.0 + 1e-12
    parameters = make_parameters(np.random.default_rng(1234))
    optimizers.SGD(global_clipnorm=1.0).clip_gradients([p.grad for p in parameters])
    np.testing.assert_allclose(math.sqrt(sum(np.sum(p.grad ** 2) for p in parameters)), 1.0)
    for parameter, expected in zip(parameters, expected_global):
        np.testing.assert_allclose(parameter.grad, expected)


def test_only_one_clipping_argument():
    with pytest.raises(ValueError, match="only one of clipnorm"):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)


def test_decoupled_weight_decay_precedes_the_update(rng):
    parameters = make_parameters(rng)
    expected = [p.value * (1 - 0.1 * 0.2) - 0.1 * p.grad for p in parameters]
    optimizers.SGD(0.1, weight_decay=0.2).apply(parameters)
    for parameter, value in zip(parameters, expected):
        np.testing.assert_allclose(parameter.value, value)


def test_adam_keras_epsilon_placement(rng):
    """Keras's Adam adds ε to sqrt(r) before bias correction of the step size (the docstring's form)."""
    w = Parameter(np.array([0.5, -1.0]), "w")
    m = v = np.zeros(2)
    expected = w.value.copy()
    optimizer = optimizers.Adam(0.1, epsilon=0.3)
    for t in range(1, 6):
        g = rng.normal(size=2)
        w.grad[...] = g
        optimizer.apply([w])
        m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        expected -= 0.1 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t) * m / (np.sqrt(v) + 0.3)
    np.testing.assert_allclose(w.value, expected, rtol=1e-13)


def test_adagrad_keras_defaults_put_epsilon_inside_the_root():
    w = Parameter(np.array([1.0]), "w")
    w.grad[...] = 0.5
    optimizers.Adagrad(learning_rate=0.1, epsilon=0.2).apply([w])
    np.testing.assert_allclose(w.value, 1.0 - 0.1 * 0.5 / math.sqrt(0.1 + 0.25 + 0.2))


@pytest.mark.parametrize("name", ALL)
def test_float32_stays_float32_and_updates_in_place(name, rng):
    parameters = make_parameters(rng, "float32")
    buffers = [p.value for p in parameters]
    optimizer = optimizers.get(name)
    optimizer.weight_decay = 0.01
    for _ in range(3):
        optimizer.apply(parameters)
    for parameter, buffer in zip(parameters, buffers):
        assert parameter.value is buffer and parameter.value.dtype == np.float32
    assert all(array.dtype == np.float32 for array in optimizer.variables)


@pytest.mark.parametrize("name", ALL)
def test_config_round_trip_with_a_schedule(name):
    schedule = schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1)
    optimizer = optimizers.get(name)
    optimizer.learning_rate = schedule
    config = optimizers.serialize(optimizer)
    clone = optimizers.get(config)
    assert type(clone) is type(optimizer) and optimizers.serialize(clone) == config
    clone.iterations = 50
    assert clone.learning_rate == schedule(50)


def test_variables_expose_state_not_scratch(rng):
    parameters = make_parameters(rng)
    optimizer = optimizers.Adam(amsgrad=True)
    optimizer.apply(parameters)
    assert len(optimizer.variables) == 3 * len(parameters)
    assert any(np.any(array != 0) for array in optimizer.variables)
    assert optimizers.SGD(momentum=0.9).variables == []


def test_schedule_is_evaluated_at_iterations():
    w = Parameter(np.zeros(1), "w")
    optimizer = optimizers.SGD(schedules.PiecewiseConstantDecay([1], [1.0, 0.1]))
    values = []
    for _ in range(3):
        w.grad[...] = 1.0
        before = w.value.copy()
        optimizer.apply([w])
        values.append(float(before[0] - w.value[0]))
    np.testing.assert_allclose(values, [1.0, 1.0, 0.1])


def test_constraint_applied_after_update():
    w = Parameter(np.array([[3.0], [4.0]]), "w", constraint=constraints.MaxNorm(1.0))
    w.grad[...] = -1.0
    optimizers.SGD(1.0).apply([w])
    np.testing.assert_allclose(np.linalg.norm(w.value), 1.0, rtol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda: optimizers.Adam(beta_1=1.0), "beta_1"),
    (lambda: optimizers.RMSprop(rho=-0.1), "rho"),
    (lambda: optimizers.SGD(learning_rate=-1), "learning_rate"),
    (lambda: optimizers.Adagrad(epsilon=-1), "epsilon"),
    (lambda: optimizers.Adam(weight_decay=-1), "weight_decay"),
    (lambda: optimizers.get("adamm"), "adamm"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_adagrad_reproduces_lecture_003_worked_example():
    """Lecture 003: gradients 0.1 then 0.2 give per-step rates α/0.1 then α/0.22 (α/sqrt(0.1² + 0.2²))."""
    w = Parameter(np.zeros(1), "w")
    optimizer = optimizers.Adagrad(learning_rate=1.0, initial_accumulator_value=0.0, epsilon=0.0)
    steps = []
    for g in (0.1, 0.2):
        w.grad[...] = g
        before = float(w.value[0])
        optimizer.apply([w])
        steps.append((before - float(w.value[0])) / g)
    np.testing.assert_allclose(steps, [1 / 0.1, 1 / math.sqrt(0.1 ** 2 + 0.2 ** 2)])


def test_compile_defaults_to_rmsprop_and_every_name_trains(rng):
    import layerwise
    from layerwise.layers import Dense

    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(1)])
    model.compile(loss="mse")
    assert type(model.optimizer) is optimizers.RMSprop
    for name in ALL:
        layerwise.utils.set_random_seed(0)
        model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(1)])
        optimizer = optimizers.get(name)
        optimizer.learning_rate = 0.2
        if name == "adadelta":  # Adadelta's first steps have size ~sqrt(ε): the paper's α = 1, a larger ε
            optimizer.learning_rate, optimizer.epsilon = 1.0, 1e-2
        model.compile(optimizer=optimizer, loss="mse")
        history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
        assert history.history["loss"][-1] < 0.5 * history.history["loss"][0], name
