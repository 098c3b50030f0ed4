"""The output gradients of square error and cross-entropy through a softmax, against finite differences of
layerwise's own losses; and the experiment's criterion."""

import numpy as np
import pytest

from layerwise import losses
from layerwise.activations import softmax
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.square_vs_cross_entropy import (LOSSES, SquareVsCrossEntropy, mean_error,
                                                               output_gradient_norms)


@pytest.mark.parametrize("name", list(LOSSES))
def test_output_gradient_norms_match_finite_differences_of_the_losses(name):
    rng = np.random.default_rng(0)
    z, y = rng.normal(0, 3, (5, 4)), np.eye(4)[rng.integers(0, 4, 5)]
    loss, h = losses.get(LOSSES[name]), 1e-6
    numeric = np.zeros_like(z)
    for i in range(4):
        step = np.eye(4)[i] * h
        numeric[:, i] = (loss.call(y, softmax(z + step)) - loss.call(y, softmax(z - step))) / (2 * h)
    assert np.allclose(output_gradient_norms(softmax(z), y)[name], np.linalg.norm(numeric, axis=1), atol=1e-6)


def test_a_confident_wrong_softmax_keeps_the_cross_entropy_gradient_and_loses_the_square_error_one():
    p, y = np.array([[0.999, 0.0005, 0.0005]]), np.array([[0.0, 1.0, 0.0]])
    norms = output_gradient_norms(p, y)
    assert norms["cross-entropy"][0] > 1.4 and norms["square error"][0] < 0.01


def test_mean_error_leaves_out_the_start_and_counts_a_diverged_epoch_as_all_wrong():
    assert mean_error([0.1, 0.8, 0.9]) == pytest.approx(0.15)
    assert mean_error([0.1, 0.8, None]) == pytest.approx(0.6)


@pytest.mark.parametrize("cross_entropy, status", [(0.05, HELD), (0.12, DID_NOT_HOLD), (0.09, INCONCLUSIVE)])
def test_the_criterion(cross_entropy, status):
    numbers = {"best_rate": {"square error": 3.0, "cross-entropy": 0.3},
               "mean_training_error": {"square error": {"3.0": 0.1}, "cross-entropy": {"0.3": cross_entropy}},
               "confident_wrong_gradient": {"count": 3, "square error": 0.001, "cross-entropy": 1.4}}
    assert SquareVsCrossEntropy().judge(numbers).status == status
