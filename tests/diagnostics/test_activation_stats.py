"""ActivationStats: saturation of sigmoid and tanh layers, means, spreads and histograms, by hand."""

import numpy as np
import pytest

import layerwise
from layerwise.diagnostics import ActivationStats
from layerwise.layers import Dense, Dropout, Flatten


def _saturating_network():
    """sigmoid(0 x + [50, -50]) = [1, ~0], then tanh(0 h + [10, 0]) = [~1, 0]: saturated, then half of it."""
    sigmoid = Dense(2, activation="sigmoid", kernel_initializer="zeros", name="sig")
    tanh = Dense(2, activation="tanh", kernel_initializer="zeros", name="tan")
    block = layerwise.Sequential([layerwise.Input(shape=(2,)), Dropout(0.5, name="drop"), tanh], name="block")
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Flatten(name="flat"), sigmoid, block,
                                  Dense(1, name="out")])
    sigmoid.bias.assign([50.0, -50.0])
    tanh.bias.assign([10.0, 0.0])
    return model


def _measure(model, probe, bins=20):
    stats, logs = ActivationStats(probe, bins=bins), {}
    stats.set_model(model)
    stats.on_train_begin()
    stats.on_epoch_end(0, logs)
    return stats, logs


def test_saturated_sigmoid_and_half_saturated_tanh_with_their_means_and_spreads(rng):
    probe = rng.normal(size=(6, 3))
    stats, logs = _measure(_saturating_network(), probe, bins=5)
    # Dense layers (the nested tanh included) are read; Flatten and Dropout only move values.
    assert sorted(logs) == sorted([f"{key}/{name}" for key in ("activation_mean", "activation_std")
                                   for name in ("sig", "tan", "out")] + ["saturation/sig", "saturation/tan"])
    assert logs["saturation/sig"] == 1.0
    assert logs["saturation/tan"] == 0.5
    tanh_outputs = np.tile(np.tanh(np.float32([10.0, 0.0])), (6, 1))
    assert logs["activation_mean/tan"] == pytest.approx(tanh_outputs.mean())
    assert logs["activation_std/tan"] == pytest.approx(tanh_outputs.std())
    counts, edges = stats.histograms["tan"][0]
    expected_counts, expected_edges = np.histogram(tanh_outputs, bins=5)
    assert counts.sum() == 12 and len(edges) == 6
    np.testing.assert_array_equal(counts, expected_counts)
    np.testing.assert_allclose(edges, expected_edges, rtol=1e-6)


def test_a_histogram_per_layer_and_epoch_counts_every_output(rng):
    model = _saturating_network()
    model.compile(optimizer="sgd", loss="mse")
    stats = ActivationStats(rng.normal(size=(7, 3)), bins=3)
    history = model.fit(rng.normal(size=(16, 3)), rng.normal(size=(16, 1)), epochs=3, verbose=0, callbacks=[stats])
    assert len(history.history["saturation/sig"]) == 3
    assert sorted(stats.histograms) == ["out", "sig", "tan"]
    assert [int(counts.sum()) for counts, _ in stats.histograms["sig"]] == [14, 14, 14]
    assert [int(counts.sum()) for counts, _ in stats.histograms["out"]] == [7, 7, 7]


def test_every_epoch_measures_some_epochs_only(rng):
    model = _saturating_network()
    model.compile(optimizer="sgd", loss="mse")
    stats = ActivationStats(rng.normal(size=(4, 3)), every_epoch=2)
    history = model.fit(rng.normal(size=(8, 3)), rng.normal(size=(8, 1)), epochs=5, verbose=0, callbacks=[stats])
    assert [record["epoch"] for record in stats.records] == [1, 3]
    assert len(history.history["activation_mean/out"]) == 2 and len(history.history["loss"]) == 5


def test_bins_must_be_a_positive_integer():
    with pytest.raises(ValueError, match="ActivationStats: bins must be a positive integer, received 0"):
        ActivationStats(np.zeros((2, 3)), bins=0)
