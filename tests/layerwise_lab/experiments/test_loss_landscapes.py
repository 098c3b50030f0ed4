"""The loss-landscapes experiment's direction, surface and roughness measures on known cases, and its criterion
judged as written."""

import numpy as np
import pytest

import layerwise
from layerwise import layers
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.loss_landscapes import (LossLandscapes, curvatures, filter_normalized_direction,
                                                       local_minima, loss_surface, nonconvex_fraction)

GRID = np.linspace(-1.0, 1.0, 21)
ALPHA, BETA = np.meshgrid(GRID, GRID)   # rows β, columns α, as loss_surface lays them out


def test_a_convex_bowl_is_nowhere_non_convex_and_has_one_minimum():
    bowl = 3 * ALPHA ** 2 + BETA ** 2 + ALPHA * BETA
    assert nonconvex_fraction(bowl) == 0.0
    assert local_minima(bowl) == 1


def test_an_egg_crate_is_mostly_non_convex_with_many_minima():
    crate = np.sin(3 * np.pi * ALPHA) + np.sin(3 * np.pi * BETA)
    assert nonconvex_fraction(crate) > 0.6        # convex only where both sines curve upward: about 1/4
    assert local_minima(crate) >= 4


def test_curvatures_of_a_quadratic_are_its_hessian_eigenvalues_times_the_spacing_squared():
    spacing = GRID[1] - GRID[0]
    saddle = ALPHA ** 2 - 4 * BETA ** 2 + 2 * ALPHA * BETA        # Hessian [[2, 2], [2, -8]]
    low, high = curvatures(saddle)
    expected = np.linalg.eigvalsh(np.array([[2.0, 2.0], [2.0, -8.0]])) * spacing ** 2
    np.testing.assert_allclose(low, expected[0], rtol=1e-9)
    np.testing.assert_allclose(high, expected[1], rtol=1e-9)
    assert nonconvex_fraction(saddle) == 1.0


def test_a_shallow_negative_curvature_next_to_a_steep_positive_one_is_not_counted():
    valley = 10 * ALPHA ** 2 - 0.5 * BETA ** 2                   # |λ_min / λ_max| = 0.05 < 0.1
    assert nonconvex_fraction(valley) == 0.0
    assert nonconvex_fraction(valley, ratio=0.01) == 1.0


def test_plateaus_have_no_strict_minimum():
    assert local_minima(np.ones((5, 5))) == 0


def small_model():
    layerwise.utils.set_random_seed(0)
    inputs = layerwise.Input(shape=(4, 4, 1))
    x = layers.BatchNormalization()(layers.Conv2D(3, 3, padding="same", use_bias=False)(inputs))
    x = layers.Dense(2, activation="softmax")(layers.Flatten()(x))
    return layerwise.Model(inputs, x)


def test_filter_normalized_direction():
    model = small_model()
    weights = model.get_weights()
    direction = filter_normalized_direction(model, weights, np.random.default_rng(0))
    assert [d.shape for d in direction] == [w.shape for w in weights]
    for parameter, value, step in zip(model.weights, weights, direction):
        if parameter.name.endswith("/kernel"):
            axes = tuple(range(value.ndim - 1))
            np.testing.assert_allclose(np.linalg.norm(step.reshape(-1, step.shape[-1]), axis=0),
                                       np.sqrt(np.sum(value ** 2, axis=axes)), rtol=1e-5)
            assert not np.allclose(step, value)
        else:                                     # BN's gamma, beta and statistics, the Dense bias
            assert not step.any()


def test_loss_surface_is_the_loss_at_each_point_and_restores_the_weights():
    model = small_model()
    x = np.random.default_rng(1).random((6, 4, 4, 1)).astype("float32")
    y = np.array([0, 1, 0, 1, 1, 0])
    weights = model.get_weights()
    rng = np.random.default_rng(2)
    first, second = (filter_normalized_direction(model, weights, rng) for _ in range(2))
    surface = loss_surface(model, x, y, weights, first, second, np.array([-0.5, 0.0, 1.0]))
    for saved, now in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(saved, now)
    model.set_weights([w - 0.5 * d + 1.0 * e for w, d, e in zip(weights, first, second)])
    probabilities = np.asarray(model(x, training=True))
    assert surface[2, 0] == pytest.approx(-np.mean(np.log(probabilities[np.arange(6), y])), rel=1e-5)


def numbers(plain_error=0.3, plain_fraction=0.3, plain_minima=5, residual_fraction=0.1, finite=True):
    return {"networks": {
        "residual": {"test_error": 0.2, "nonconvex_fraction": residual_fraction, "local_minima": 2, "finite": True},
        "plain": {"test_error": plain_error, "nonconvex_fraction": plain_fraction, "local_minima": plain_minima,
                  "finite": finite}}}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"plain_minima": 2}, HELD),                              # as many minima is enough
    ({"plain_error": 0.2}, DID_NOT_HOLD),                     # the plain net is not worse
    ({"plain_fraction": 0.1}, DID_NOT_HOLD),                  # ... nor more non-convex
    ({"plain_fraction": 0.05}, DID_NOT_HOLD),
    ({"plain_fraction": 0.12}, INCONCLUSIVE),                 # rougher by less than the margin
    ({"plain_minima": 1}, INCONCLUSIVE),                      # more non-convex but fewer minima
    ({"finite": False, "plain_fraction": None, "plain_minima": None}, INCONCLUSIVE),
])
def test_the_criterion(case, status):
    assert LossLandscapes().judge(numbers(**case)).status == status
