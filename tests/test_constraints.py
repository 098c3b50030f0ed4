"""Constraints: each projection's definition, training that respects it after every step, and every layer's
per-weight constraint arguments (the table of tests/weight_arguments.py)."""

import numpy as np
import pytest

import layerwise
from layerwise import constraints
from layerwise.callbacks import Callback
from layerwise.layers import Dense, PReLU

from weight_arguments import WEIGHT_ARGUMENT_CASES, WEIGHT_ARGUMENT_IDS


def test_max_norm_rescales_only_long_columns(rng):
    w = rng.normal(size=(5, 4)) * np.array([0.1, 1.0, 3.0, 0.2])
    norms = np.linalg.norm(w, axis=0)
    projected = constraints.MaxNorm(1.0)(w)
    new_norms = np.linalg.norm(projected, axis=0)
    np.testing.assert_allclose(new_norms, np.minimum(norms, 1.0), rtol=1e-6)
    np.testing.assert_allclose(projected / new_norms, w / norms, rtol=1e-12)


def test_unit_min_max_and_non_neg(rng):
    w = rng.normal(size=(3, 6)) * np.linspace(0.1, 5, 6)
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm()(w), axis=0), 1.0, rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(constraints.UnitNorm(axis=1)(w), axis=1), 1.0, rtol=1e-6)
    norms = np.linalg.norm(constraints.MinMaxNorm(0.5, 2.0)(w), axis=0)
    np.testing.assert_allclose(norms, np.clip(np.linalg.norm(w, axis=0), 0.5, 2.0), rtol=1e-6)
    half = constraints.MinMaxNorm(0.5, 2.0, rate=0.5)(w)
    original = np.linalg.norm(w, axis=0)
    np.testing.assert_allclose(np.linalg.norm(half, axis=0), 0.5 * np.clip(original, 0.5, 2.0) + 0.5 * original,
                               rtol=1e-6)
    assert np.all(constraints.NonNeg()(w) >= 0) and np.all(constraints.NonNeg()(w)[w > 0] == w[w > 0])
    assert constraints.MaxNorm(1.0)(w.astype(np.float32)).dtype == np.float32
    assert constraints.NonNeg()(w.astype(np.float32)).dtype == np.float32


def test_get_and_serialize():
    for name, cls in [("max_norm", constraints.MaxNorm), ("non_neg", constraints.NonNeg),
                      ("unit_norm", constraints.UnitNorm), ("min_max_norm", constraints.MinMaxNorm)]:
        constraint = constraints.get(name)
        assert type(constraint) is cls
        clone = constraints.get(constraints.serialize(constraint))
        assert type(clone) is cls and clone.get_config() == constraint.get_config()
    with pytest.raises(ValueError, match="max_nrom"):
        constraints.get("max_nrom")
    with pytest.raises(ValueError, match="min_value"):
        constraints.MinMaxNorm(2.0, 1.0)


class CheckEveryStep(Callback):
    def __init__(self, check):
        super().__init__()
        self.check, self.steps = check, 0

    def on_train_batch_end(self, batch, logs=None):
        self.check(self.model)
        self.steps += 1


def test_training_respects_constraints_after_every_step(rng):
    x = rng.normal(size=(96, 6)).astype("float32") * 3
    y = np.eye(3)[rng.integers(0, 3, size=96)]
    model = layerwise.Sequential([
        layerwise.Input(shape=(6,)),
        Dense(8, activation="relu", kernel_constraint=constraints.MaxNorm(0.5), bias_constraint="non_neg"),
        PReLU(alpha_initializer="ones", alpha_constraint=constraints.MinMaxNorm(0.0, 0.3, axis=[0])),
        Dense(3, activation="softmax", kernel_constraint="unit_norm"),
    ])
    model.compile(optimizer=layerwise.optimizers.SGD(0.5), loss="categorical_crossentropy")
    hidden, prelu, output = model.layers

    def check(model):
        assert np.all(np.linalg.norm(hidden.kernel.value, axis=0) <= 0.5 + 1e-6)
        assert np.all(hidden.bias.value >= 0)
        assert np.linalg.norm(prelu.alpha.value) <= 0.3 + 1e-6
        np.testing.assert_allclose(np.linalg.norm(output.kernel.value, axis=0), 1.0, rtol=1e-5)

    checker = CheckEveryStep(check)
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[checker])
    assert checker.steps == 18
    # the constraint was active: without it the kernel grows past the bound
    free = layerwise.Sequential([layerwise.Input(shape=(6,)), Dense(8, activation="relu"),
                                 Dense(3, activation="softmax")])
    free.layers[0].set_weights(hidden.get_weights())
    free.compile(optimizer=layerwise.optimizers.SGD(0.5), loss="categorical_crossentropy")
    free.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert np.linalg.norm(free.layers[0].kernel.value, axis=0).max() > 0.5


def _norms(w):
    return np.sqrt(np.sum(w * w, axis=0))


# One constraint per weight of a layer, each with the property it enforces checked by hand (norms may end
# up to a relative epsilon() below the bound).
HAND_CONSTRAINTS = [
    (constraints.MaxNorm(0.1, axis=0), lambda w: np.all(_norms(w) <= 0.1)),
    (constraints.NonNeg(), lambda w: np.all(w >= 0)),
    (constraints.MinMaxNorm(0.5, 0.6, axis=0), lambda w: np.all((_norms(w) >= 0.5 - 1e-6) & (_norms(w) <= 0.6))),
]


@pytest.mark.parametrize("case", WEIGHT_ARGUMENT_CASES, ids=WEIGHT_ARGUMENT_IDS)
def test_each_weight_constraint_projects_it_after_an_optimizer_step(case, float64, rng):
    held = dict(zip(case.weights, HAND_CONSTRAINTS))
    model = case.model(rng, 0.1, **{f"{prefix}_constraint": constraint
                                    for prefix, (constraint, _) in held.items()})
    layer = model.layers[0]
    before = {p.name: p.value.copy() for p in layer.weights}
    x = case.sample(rng)
    model.train_on_batch(x, rng.normal(size=model.compute_output_shape(x.shape)))
    for prefix, (constraint, holds) in held.items():
        parameter = getattr(layer, case.weights[prefix])
        stepped = before[parameter.name] - 0.1 * parameter.grad  # SGD's step; grad is kept after it
        assert not holds(stepped), f"{parameter.name}: the constraint was never active"
        assert holds(parameter.value), parameter.name
        np.testing.assert_allclose(parameter.value, constraint(stepped), rtol=1e-12, atol=1e-15,
                                   err_msg=parameter.name)
