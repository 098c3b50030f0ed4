"""Regularizers: penalties and gradients, Keras's λ Σ w² convention, penalized training loss, activity penalties,
and every layer's per-weight regularizer and constraint arguments (the table of tests/weight_arguments.py)."""

import numpy as np
import pytest

import layerwise
from layerwise import constraints, regularizers
from layerwise.layers import Dense, PReLU
from layerwise.models import load_model

from weight_arguments import WEIGHT_ARGUMENT_CASES, WEIGHT_ARGUMENT_IDS


@pytest.mark.parametrize("regularizer", [regularizers.L1(0.3), regularizers.L2(0.2),
                                         regularizers.L1L2(l1=0.1, l2=0.4), regularizers.KLSparsity(0.1, 2.0),
                                         regularizers.OrthogonalRegularizer(0.3),
                                         regularizers.OrthogonalRegularizer(0.2, mode="columns")],
                         ids=lambda r: type(r).__name__)
def test_gradient_matches_central_differences(regularizer, rng):
    # The KL sparsity penalty is defined on sigmoid activations, in (0, 1).
    w = rng.uniform(0.05, 0.95, size=(4, 3)) if isinstance(regularizer, regularizers.KLSparsity) else \
        rng.normal(size=(4, 3))
    numeric = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[index] = 1e-6
        numeric[index] = (regularizer(w + step) - regularizer(w - step)) / 2e-6
    np.testing.assert_allclose(regularizer.gradient(w), numeric, rtol=1e-6, atol=1e-9)


def test_orthogonal_regularizer_as_keras_formula(rng):
    """Keras: factor * 0.5 * sum |offdiag(N Nᵀ)| / (n (n - 1) / 2), N the L2-normalized rows (or columns)."""
    w = rng.normal(size=(4, 3))
    for mode, vectors in (("rows", w), ("columns", w.T)):
        unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
        cosines = unit @ unit.T - np.eye(len(unit))
        n = len(unit)
        expected = 0.1 * 0.5 * np.abs(cosines).sum() / (n * (n - 1) / 2)
        assert regularizers.OrthogonalRegularizer(0.1, mode)(w) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(ValueError, match="mode must be 'rows' or 'columns', received 'diagonal'"):
        regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match=r"needs a 2-D weight, received shape \(2, 2, 2\)"):
        regularizers.OrthogonalRegularizer()(np.ones((2, 2, 2)))


def test_keras_lowercase_names_and_deserialize():
    assert (regularizers.l1, regularizers.l2, regularizers.l1_l2) == (regularizers.L1, regularizers.L2,
                                                                      regularizers.L1L2)
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer
    clone = regularizers.deserialize(regularizers.serialize(regularizers.OrthogonalRegularizer(0.2, "columns")))
    assert (type(clone), clone.factor, clone.mode) == (regularizers.OrthogonalRegularizer, 0.2, "columns")
    assert (constraints.max_norm, constraints.non_neg, constraints.unit_norm, constraints.min_max_norm) == (
        constraints.MaxNorm, constraints.NonNeg, constraints.UnitNorm, constraints.MinMaxNorm)
    assert constraints.deserialize(constraints.serialize(constraints.max_norm(3.0))).max_value == 3.0


def test_keras_convention_vs_lecture_002():
    w = np.array([1.0, -2.0, 3.0])
    assert regularizers.L2(0.1)(w) == pytest.approx(0.1 * 14)
    lam = 0.1
    assert regularizers.L2(lam / 2)(w) == pytest.approx(lam / 2 * w @ w)
    np.testing.assert_allclose(regularizers.L2(lam / 2).gradient(w), lam * w)
    assert regularizers.L1(0.1)(w) == pytest.approx(0.6)


def test_kl_sparsity_against_its_formula():
    y = np.array([[0.2, 0.9], [0.4, 0.7]])
    rho, beta, rho_hat = 0.1, 3.0, np.array([0.3, 0.8])
    expected = beta * np.sum(rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat)))
    assert regularizers.KLSparsity(rho, beta)(y) == pytest.approx(expected)
    assert regularizers.KLSparsity(0.3, 1.0)(np.full((5, 1), 0.3)) == pytest.approx(0.0, abs=1e-12)
    assert np.isfinite(regularizers.KLSparsity()(np.zeros((2, 3))))
    assert regularizers.KLSparsity().gradient(np.full((2, 3), 0.5, np.float32)).dtype == np.float32
    assert isinstance(regularizers.get({"class_name": "KLSparsity", "config": {"rho": 0.2, "beta": 1.0}}),
                      regularizers.KLSparsity)
    with pytest.raises(ValueError, match="rho"):
        regularizers.KLSparsity(rho=1.0)
    with pytest.raises(ValueError, match="sigmoid units"):
        regularizers.KLSparsity()(np.array([[0.5, 2.0]]))


def test_get_serialize_and_dtype():
    assert isinstance(regularizers.get("l1_l2"), regularizers.L1L2)
    assert regularizers.get(None) is None
    l2 = regularizers.get(regularizers.serialize(regularizers.L2(0.3)))
    assert isinstance(l2, regularizers.L2) and l2.l2 == 0.3
    assert regularizers.L1L2(0.1, 0.1).gradient(np.ones(3, np.float32)).dtype == np.float32
    with pytest.raises(ValueError, match="l3"):
        regularizers.get("l3")
    with pytest.raises(ValueError, match="l2"):
        regularizers.L2(-1.0)


def regularized_model(activity_on_output=True):
    output_activity = regularizers.L2(0.05) if activity_on_output else None
    model = layerwise.Sequential([
        layerwise.Input(shape=(5,)),
        Dense(4, activation="tanh", kernel_regularizer=regularizers.L1L2(0.01, 0.1), bias_regularizer="l2",
              activity_regularizer=regularizers.L1L2(l1=0.02, l2=0.1)),
        PReLU(alpha_initializer="random_uniform", alpha_regularizer=regularizers.L2(0.3)),
        Dense(3, activation="softmax", kernel_regularizer=regularizers.L2(0.1),
              activity_regularizer=output_activity),
    ])
    model.compile(optimizer=layerwise.optimizers.SGD(0.0), loss="categorical_crossentropy")
    return model


@pytest.mark.parametrize("activity_on_output", [True, False])
def test_total_objective_gradient_check(activity_on_output, float64, rng):
    """dJ/dθ of J = loss + weight penalties + activity penalties, against central differences of J."""
    model = regularized_model(activity_on_output)
    x = rng.normal(size=(6, 5))
    y = np.eye(3)[rng.integers(0, 3, size=6)]
    assert model.fuses_loss_gradient is not activity_on_output
    model._train_step(x, y)  # learning rate 0: gradients are computed, weights stay
    for parameter in model.trainable_weights:
        analytic = parameter.grad.copy()
        numeric = np.zeros_like(analytic)
        for index in np.ndindex(parameter.shape):
            original = parameter.value[index]
            parameter.value[index] = original + 1e-6
            plus = model._train_step(x, y)[0]
            parameter.value[index] = original - 1e-6
            minus = model._train_step(x, y)[0]
            parameter.value[index] = original
            numeric[index] = (plus - minus) / 2e-6
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8, err_msg=parameter.name)


def test_reported_loss_is_the_penalized_loss(float64, rng):
    model = regularized_model()
    x = rng.normal(size=(8, 5))
    y = np.eye(3)[rng.integers(0, 3, size=8)]
    plain = model.loss(y, model.call(x, training=True))
    weight_penalty = sum(p.regularizer(p.value) for p in model.trainable_weights if p.regularizer is not None)
    activity_penalty = model.activity_penalty
    assert weight_penalty > 0 and activity_penalty > 0
    expected = plain + weight_penalty + activity_penalty
    assert model.train_on_batch(x, y) == pytest.approx(expected, rel=1e-12)
    assert model.evaluate(x, y, verbose=0) == pytest.approx(plain, rel=1e-12)


def test_activity_penalty_only_in_training(rng):
    layer = Dense(3, activity_regularizer="l2")
    x = rng.normal(size=(2, 4))
    layer(x, training=True)
    assert layer.activity_penalty > 0 and layer.activity_gradient is not None
    layer(x)
    assert layer.activity_penalty == 0.0 and layer.activity_gradient is None


def test_l2_training_shrinks_weights(rng):
    x = rng.normal(size=(64, 5)).astype("float32")
    y = np.eye(3)[rng.integers(0, 3, size=64)]
    norms = []
    for strength in (0.0, 0.05):
        layerwise.utils.set_random_seed(0)
        model = layerwise.Sequential([layerwise.Input(shape=(5,)),
                                      Dense(3, activation="softmax", kernel_regularizer=regularizers.L2(strength))])
        model.compile(optimizer=layerwise.optimizers.SGD(0.5), loss="categorical_crossentropy")
        history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
        norms.append(np.linalg.norm(model.layers[0].kernel.value))
        assert all(np.isfinite(history.history["loss"]))
    assert norms[1] < 0.8 * norms[0]


@pytest.mark.parametrize("activity_on_output", [True, False])
def test_check_gradients_counts_activity_penalties_of_a_model(activity_on_output, float64, rng):
    model = regularized_model(activity_on_output)
    x = rng.normal(size=(4, 5))
    y = np.eye(3)[rng.integers(0, 3, size=4)]
    report = layerwise.testing.check_gradients(model, x, y)
    assert report.passed, f"\n{report}"
    assert layerwise.testing.check_gradients(model, x).passed


# One penalty per weight of a layer, each with its penalty and gradient written out by hand.
HAND_PENALTIES = [
    (regularizers.L2(0.3), lambda w: 0.3 * np.sum(w * w), lambda w: 0.6 * w),
    (regularizers.L1(0.2), lambda w: 0.2 * np.sum(np.abs(w)), lambda w: 0.2 * np.sign(w)),
    (regularizers.L1L2(l1=0.05, l2=0.4), lambda w: 0.05 * np.sum(np.abs(w)) + 0.4 * np.sum(w * w),
     lambda w: 0.05 * np.sign(w) + 0.8 * w),
]


@pytest.mark.parametrize("case", WEIGHT_ARGUMENT_CASES, ids=WEIGHT_ARGUMENT_IDS)
def test_each_weight_regularizer_adds_its_penalty_to_the_loss_and_its_gradient_to_the_weight(case, float64, rng):
    penalties = dict(zip(case.weights, HAND_PENALTIES))
    model = case.model(rng, 0.0, **{f"{prefix}_regularizer": regularizer
                                     for prefix, (regularizer, _, _) in penalties.items()})
    layer = model.layers[0]
    x = case.sample(rng)
    y = rng.normal(size=model.compute_output_shape(x.shape))
    penalized = model.train_on_batch(x, y)  # learning rate 0: the weights stay
    penalized_grads = {p.name: p.grad.copy() for p in layer.weights}
    for parameter in layer.weights:
        parameter.regularizer = None
    plain = model.train_on_batch(x, y)
    expected = 0.0
    for prefix, (_, penalty, gradient) in penalties.items():
        parameter = getattr(layer, case.weights[prefix])
        expected += penalty(parameter.value)
        np.testing.assert_allclose(penalized_grads[parameter.name] - parameter.grad, gradient(parameter.value),
                                   rtol=1e-9, atol=1e-12, err_msg=parameter.name)
    assert expected > 0
    assert penalized - plain == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("case", WEIGHT_ARGUMENT_CASES, ids=WEIGHT_ARGUMENT_IDS)
def test_weight_regularizers_and_constraints_survive_config_and_model_file(case, tmp_path, rng):
    arguments = {}
    for index, prefix in enumerate(case.weights):
        arguments[f"{prefix}_regularizer"] = regularizers.L1L2(l1=0.01 * (index + 1), l2=0.02)
        arguments[f"{prefix}_constraint"] = constraints.MaxNorm(1.5 + index, axis=0)
    model = case.model(rng, 0.1, **arguments)
    layer = model.layers[0]
    config = layer.get_config()
    for name, value in arguments.items():
        assert config[name] == {"module": type(value).__module__, "class_name": type(value).__name__,
                                "config": value.get_config()}
    x = case.sample(rng)
    clone = type(layer).from_config(config)
    clone(x)
    model.save(tmp_path / "m.lw")
    loaded = load_model(tmp_path / "m.lw").layers[0]
    for copy in (clone, loaded):
        assert copy.get_config() == config
        for prefix, attribute in case.weights.items():
            parameter = getattr(copy, attribute)
            for kind in ("regularizer", "constraint"):
                original = arguments[f"{prefix}_{kind}"]
                assert type(getattr(parameter, kind)) is type(original), f"{parameter.name} {kind}"
                assert getattr(parameter, kind).get_config() == original.get_config()
