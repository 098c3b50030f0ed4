"""Regularizers: penalties and gradients, Keras's λ Σ w² convention, penalized training loss, activity penalties."""

import numpy as np
import pytest

import layerwise
from layerwise import regularizers
from layerwise.layers import Dense, PReLU


@pytest.mark.parametrize("regularizer", [regularizers.L1(0.3), regularizers.L2(0.2),
                                         regularizers.L1L2(l1=0.1, l2=0.4)], ids=lambda r: type(r).__name__)
def test_gradient_matches_central_differences(regularizer, rng):
    w = rng.normal(size=(4, 3))
    numeric = np.zeros_like(w)
    for index in np.ndindex(w.shape):
        step = np.zeros_like(w)
        step[index] = 1e-6
        numeric[index] = (regularizer(w + step) - regularizer(w - step)) / 2e-6
    np.testing.assert_allclose(regularizer.gradient(w), numeric, rtol=1e-6, atol=1e-9)


def test_keras_convention_vs_lecture_002():
    w = np.array([1.0, -2.0, 3.0])
    assert regularizers.L2(0.1)(w) == pytest.approx(0.1 * 14)
    lam = 0.1
    assert regularizers.L2(lam / 2)(w) == pytest.approx(lam / 2 * w @ w)
    np.testing.assert_allclose(regularizers.L2(lam / 2).gradient(w), lam * w)
    assert regularizers.L1(0.1)(w) == pytest.approx(0.6)


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
    activity_penalty = sum(layer.activity_penalty for layer in model.layers)
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
