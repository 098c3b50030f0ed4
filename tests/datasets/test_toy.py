"""Toy problems: correct labels and geometry, deterministic by seed."""

import numpy as np
import pytest

from layerwise.datasets import toy

GENERATORS = [
    lambda seed: toy.parity(5, 40, seed=seed),
    lambda seed: toy.xor(40, noise=0.1, seed=seed),
    lambda seed: toy.moons(50, seed=seed),
    lambda seed: toy.circles(50, seed=seed),
    lambda seed: toy.spirals(50, noise=0.05, seed=seed),
    lambda seed: toy.blobs(50, seed=seed),
    lambda seed: toy.target_function("sine", 30, noise=0.1, seed=seed),
]


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_data_other_seed_other_data(make):
    for a, b in zip(make(7), make(7)):
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(a, b) for a, b in zip(make(7), make(8)))
    assert make(7)[0].dtype == np.float32


def test_parity_enumerates_every_bit_string_with_its_parity():
    x, y = toy.parity(4)
    assert x.shape == (16, 4) and len({tuple(row) for row in x.tolist()}) == 16
    np.testing.assert_array_equal(y, x.sum(axis=1) % 2)
    x, y = toy.parity(6, 100, seed=0)
    np.testing.assert_array_equal(y, x.sum(axis=1) % 2)


def test_xor_corners_and_noisy_samples_keep_their_labels():
    x, y = toy.xor()
    assert y.tolist() == [0, 1, 1, 0]
    x, y = toy.xor(200, noise=0.1, seed=0)
    np.testing.assert_array_equal(y, (x[:, 0] > 0.5) ^ (x[:, 1] > 0.5))


def test_noiseless_moons_and_circles_lie_on_their_curves():
    x, y = toy.moons(40, noise=0.0)
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1, rtol=1e-6)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1, rtol=1e-6)
    x, y = toy.circles(40, noise=0.0, factor=0.3)
    np.testing.assert_allclose(np.hypot(*x.T), np.where(y == 1, 0.3, 1.0), rtol=1e-6)


def test_spirals_are_point_reflections_of_each_other():
    x, y = toy.spirals(60)
    np.testing.assert_allclose(x[y == 1], -x[y == 0], atol=1e-6)
    assert np.bincount(y).tolist() == [30, 30]


def test_blobs_cluster_around_the_given_centres():
    centres = np.array([[0.0, 0.0], [10.0, 10.0], [-10.0, 5.0]])
    x, y = toy.blobs(300, centers=centres, cluster_std=0.5, seed=0)
    for label, centre in enumerate(centres):
        np.testing.assert_allclose(x[y == label].mean(axis=0), centre, atol=0.2)


def test_target_functions_on_the_grid():
    x, y = toy.target_function("sine", 50)
    assert x.shape == y.shape == (50, 1)
    np.testing.assert_allclose(y, np.sin(x), atol=1e-6)
    x, y = toy.target_function("step", 10, x_range=(-1, 1))
    np.testing.assert_array_equal(y.ravel(), x.ravel() >= 0)
    x, y = toy.target_function("piecewise", 7, x_range=(-3, 3))
    assert y.ravel().tolist() == [-1, -1, -1, 0, 1, 0, -1]


def test_saddle_gradient_matches_finite_differences(rng):
    points = rng.normal(size=(5, 2))
    h = 1e-6
    numeric = np.stack([(toy.saddle(points + h * e) - toy.saddle(points - h * e)) / (2 * h) for e in np.eye(2)], 1)
    np.testing.assert_allclose(toy.saddle_gradient(points), numeric, rtol=1e-6)
    assert toy.saddle(np.zeros(2)) == 0 and not toy.saddle_gradient(np.zeros(2)).any()


@pytest.mark.parametrize("call, message", [
    (lambda: toy.parity(0), "n_bits"), (lambda: toy.moons(1), "moons"), (lambda: toy.circles(10, factor=1.5), "factor"),
    (lambda: toy.target_function("cosine"), "unknown name 'cosine'"), (lambda: toy.moons(10, noise=-1), "noise")])
def test_bad_arguments_are_named(call, message):
    with pytest.raises(ValueError, match=message):
        call()
