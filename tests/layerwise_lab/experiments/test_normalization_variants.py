"""The normalization-variants experiment's network and penalties, and its criterion judged as written."""

import numpy as np
import pytest

from layerwise import layers
from layerwise_lab import DID_NOT_HOLD, HELD, INCONCLUSIVE
from layerwise_lab.experiments.normalization_variants import (NORMALIZATIONS, NormalizationVariants,
                                                              normalized_cnn, small_batch_penalties)


@pytest.mark.parametrize("input_shape, last_maps", [((28, 28, 1), (7, 7)), ((32, 32, 3), (8, 8))])
def test_normalized_cnn_follows_the_image_shape(input_shape, last_maps):
    model = normalized_cnn(NORMALIZATIONS["group"], input_shape)
    x = np.random.default_rng(0).random((2, *input_shape)).astype("float32")
    assert model.predict(x, verbose=0).shape == (2, 10)
    assert model.compute_output_shape((None, *input_shape)) == (None, 10)
    assert model.layers[-1].kernel.value.shape == (last_maps[0] * last_maps[1] * 32, 10)   # the last block's maps


def test_normalized_cnn_places_one_normalization_per_block():
    for arm, make in NORMALIZATIONS.items():
        model = normalized_cnn(make, (28, 28, 1))
        convolutions = [layer for layer in model.layers if isinstance(layer, layers.Conv2D)]
        norms = [layer for layer in model.layers if type(layer).__name__.endswith("Normalization")]
        assert len(convolutions) == 3 and len(norms) == (0 if make is None else 3), arm
        assert all(conv.use_bias == (make is None) for conv in convolutions), arm  # beta replaces the bias


def test_per_sample_normalizations_ignore_the_rest_of_the_batch():
    x = np.random.default_rng(1).normal(size=(4, 7, 7, 8)).astype("float32")
    for arm in ("layer", "instance", "group"):
        layer = NORMALIZATIONS[arm]()
        np.testing.assert_allclose(layer(x, training=True)[:1], layer(x[:1], training=True), rtol=1e-5, atol=1e-5)
    batch = NORMALIZATIONS["batch"]()
    assert not np.allclose(batch(x, training=True)[:1], batch(x[:1], training=True), atol=1e-3)


def test_small_batch_penalties():
    errors = {"batch": {"32": [0.10, 0.12], "8": [0.2, 0.2], "2": [0.15, None]}}
    assert small_batch_penalties(errors) == {"batch": [pytest.approx(0.05), None]}


def numbers(batch=(0.10, 0.20), others=(0.11, 0.105), seeds=3, bn_penalties=None, diverged=False):
    """Errors at B=32 and B=2 per arm: batch normalization's from ``batch`` (or, per seed, at B=2 its B=32 error
    plus ``bn_penalties``), every other arm's from ``others``."""
    errors = {}
    for arm in NORMALIZATIONS:
        normal, small = batch if arm == "batch" else others
        smalls = [small] * seeds
        if arm == "batch" and bn_penalties is not None:
            smalls = [normal + penalty for penalty in bn_penalties]
        errors[arm] = {"32": [normal] * seeds, "8": [normal] * seeds, "2": smalls}
    if diverged:
        errors["batch"]["2"][0] = None
    return {"errors": errors, "batch_sizes": [32, 8, 2], "seeds": seeds}


@pytest.mark.parametrize("case, status", [
    ({}, HELD),
    ({"others": (0.11, 0.09)}, HELD),                              # the others improve: not growing is enough
    ({"batch": (0.10, 0.10)}, DID_NOT_HOLD),                       # batch norm does not suffer
    ({"others": (0.11, 0.13)}, DID_NOT_HOLD),                      # the per-sample ones grow too
    ({"batch": (0.13, 0.30)}, DID_NOT_HOLD),                       # batch norm poor even at the normal batch
    ({"bn_penalties": (0.10, 0.0, 0.10)}, INCONCLUSIVE),           # one seed does not show it
    ({"bn_penalties": (0.0, -0.01, 0.0)}, DID_NOT_HOLD),           # no seed shows it
    ({"diverged": True}, INCONCLUSIVE),
])
def test_the_criterion(case, status):
    assert NormalizationVariants().judge(numbers(**case)).status == status
