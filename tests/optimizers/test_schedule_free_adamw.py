"""ScheduleFreeAdamW against the paper's Algorithm 1 written out with x, y and z kept separately, and its
evaluation weights (swap_to_eval / swap_to_train) in and out of a model, saved and resumed.

torch.optim has no schedule-free optimizer, so the reference is the paper's recursion in NumPy: unlike the
optimizer, which stores only y and z, it stores x too and recomputes y from them.
"""

import numpy as np
import pytest

import layerwise
from layerwise import optimizers
from layerwise.layers import Dense, Parameter
from layerwise.models import load_model

SHAPES = [(4, 3), (3,)]


class PaperScheduleFree:
    """Algorithm 1 (AdamW form) of Defazio et al. 2024, ε on the bias-corrected root, c_t = 1/t."""

    def __init__(self, initial, lr, beta_1, beta_2, epsilon, warmup_steps, weight_decay):
        self.x = [v.copy() for v in initial]
        self.z = [v.copy() for v in initial]
        self.v = [np.zeros_like(v) for v in initial]
        self.lr, self.beta_1, self.beta_2, self.epsilon = lr, beta_1, beta_2, epsilon
        self.warmup_steps, self.weight_decay, self.t = warmup_steps, weight_decay, 0

    def y(self):
        return [(1 - self.beta_1) * z + self.beta_1 * x for x, z in zip(self.x, self.z)]

    def step(self, gradients):
        self.t += 1
        t, lr = self.t, self.lr * (min(1.0, self.t / self.warmup_steps) if self.warmup_steps else 1.0)
        for i, g in enumerate(gradients):
            # Keras's decoupled decay shrinks the parameters (y) by α λ y before the step, z untouched: x moves
            # by -α λ y / β1.
            y = (1 - self.beta_1) * self.z[i] + self.beta_1 * self.x[i]
            self.x[i] = self.x[i] - self.lr * self.weight_decay * y / self.beta_1
            self.v[i] = self.beta_2 * self.v[i] + (1 - self.beta_2) * g * g
            denominator = np.sqrt(self.v[i] / (1 - self.beta_2 ** t)) + self.epsilon
            self.z[i] = self.z[i] - lr * g / denominator
            self.x[i] = (1 - 1 / t) * self.x[i] + (1 / t) * self.z[i]


@pytest.mark.parametrize("warmup_steps", [0, 7])
def test_matches_the_papers_recursion(warmup_steps, rng):
    initial = [rng.normal(size=shape) for shape in SHAPES]
    parameters = [Parameter(v.copy(), f"w{i}") for i, v in enumerate(initial)]
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.05, beta_1=0.8, beta_2=0.95, epsilon=1e-3,
                                             warmup_steps=warmup_steps)
    reference = PaperScheduleFree(initial, 0.05, 0.8, 0.95, 1e-3, warmup_steps, 0.0)
    for step in range(40):
        gradients = [rng.normal(size=shape) * (1 + 3 * (step % 7 == 0)) for shape in SHAPES]
        for parameter, gradient in zip(parameters, gradients):
            parameter.grad[...] = gradient
        optimizer.apply(parameters)
        reference.step(gradients)
        for parameter, y in zip(parameters, reference.y()):
            np.testing.assert_allclose(parameter.value, y, rtol=1e-10, atol=1e-12)
    optimizer.swap_to_eval()
    for parameter, x in zip(parameters, reference.x):
        np.testing.assert_allclose(parameter.value, x, rtol=1e-10, atol=1e-12)


def test_first_steps_by_hand():
    """β1 = 0.5, β2 = 0, ε = 0: each z step is ±α (g / |g|); x averages the z's, y = (z + x) / 2."""
    w = Parameter(np.array([0.0]), "w")
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=1.0, beta_1=0.5, beta_2=0.0, epsilon=0.0)
    expected_y = []
    for gradient in (2.0, 2.0, -5.0):
        w.grad[...] = gradient
        optimizer.apply([w])
        expected_y.append(float(w.value[0]))
    # z: -1, -2, -1;  x: -1, -1.5, (-1.5·2 - 1)/3 = -4/3;  y = (z + x)/2: -1, -1.75, -7/6.
    np.testing.assert_allclose(expected_y, [-1.0, -1.75, -7 / 6])
    optimizer.eval()
    np.testing.assert_allclose(w.value, [-4 / 3])
    optimizer.train()
    np.testing.assert_allclose(w.value, [-7 / 6])


def test_weight_decay_shrinks_the_training_point_before_the_step(rng):
    initial = [rng.normal(size=shape) for shape in SHAPES]
    parameters = [Parameter(v.copy(), f"w{i}") for i, v in enumerate(initial)]
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.05, weight_decay=0.1, warmup_steps=3)
    reference = PaperScheduleFree(initial, 0.05, 0.9, 0.999, 1e-8, 3, 0.1)
    for _ in range(10):
        gradients = [rng.normal(size=shape) for shape in SHAPES]
        for parameter, gradient in zip(parameters, gradients):
            parameter.grad[...] = gradient
        optimizer.apply(parameters)
        reference.step(gradients)
    for parameter, y in zip(parameters, reference.y()):
        np.testing.assert_allclose(parameter.value, y, rtol=1e-9, atol=1e-12)


def test_swaps_are_inverse_and_idempotent(rng):
    w = Parameter(rng.normal(size=(3, 2)), "w")
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.1)
    for _ in range(3):
        w.grad[...] = rng.normal(size=(3, 2))
        optimizer.apply([w])
    y = w.value.copy()
    optimizer.swap_to_eval()
    x = w.value.copy()
    optimizer.swap_to_eval()
    np.testing.assert_array_equal(w.value, x)
    assert not optimizer.is_training_mode and not np.allclose(x, y)
    optimizer.swap_to_train()
    optimizer.swap_to_train()
    np.testing.assert_allclose(w.value, y, rtol=1e-12)
    assert optimizer.is_training_mode


def test_training_on_the_evaluation_weights_is_refused(rng):
    w = Parameter(rng.normal(size=3), "w")
    optimizer = optimizers.ScheduleFreeAdamW()
    optimizer.apply([w])
    optimizer.swap_to_eval()
    with pytest.raises(RuntimeError, match="swap_to_train"):
        optimizer.apply([w])


@pytest.mark.parametrize("make, argument", [
    (lambda: optimizers.ScheduleFreeAdamW(beta_1=0.0), "beta_1"),
    (lambda: optimizers.ScheduleFreeAdamW(beta_2=1.0), "beta_2"),
    (lambda: optimizers.ScheduleFreeAdamW(epsilon=-1.0), "epsilon"),
    (lambda: optimizers.ScheduleFreeAdamW(warmup_steps=2.5), "warmup_steps"),
])
def test_bad_arguments_are_named(make, argument):
    with pytest.raises(ValueError, match=argument):
        make()


def test_in_a_model_evaluation_uses_the_average_and_the_mode_is_saved(tmp_path, rng):
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    layerwise.utils.set_random_seed(0)
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(1)])
    model.compile(optimizer=optimizers.ScheduleFreeAdamW(learning_rate=0.05, warmup_steps=10), loss="mse")
    history = model.fit(x, y, epochs=20, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]
    training_point = [w.value.copy() for w in model.weights]
    model.optimizer.swap_to_eval()
    assert model.evaluate(x, y, verbose=0) < 0.05 * history.history["loss"][0]
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw")
    assert not loaded.optimizer.is_training_mode
    with pytest.raises(RuntimeError, match="swap_to_train"):
        loaded.fit(x, y, epochs=1, verbose=0)
    loaded.optimizer.swap_to_train()
    for weight, value in zip(loaded.weights, training_point):
        np.testing.assert_allclose(weight.value, value, rtol=1e-5, atol=1e-6)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0)
