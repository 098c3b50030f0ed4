import numpy as np
import pytest

import layerwise
from layerwise.diagnostics import ActivationStats
from layerwise.layers import Dense
from layerwise.plot import plot_activation_histograms


def _stats():
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(3, activation="sigmoid", name="hidden"),
                                  Dense(2, activation="tanh", name="out")])
    model.compile(optimizer="sgd", loss="mse")
    stats = ActivationStats(np.random.default_rng(0).normal(size=(5, 2)), bins=4)
    model.fit(np.ones((8, 2)), np.zeros((8, 2)), epochs=2, verbose=0, callbacks=[stats])
    return stats


def test_one_histogram_per_layer_whose_bars_are_the_counts_of_its_outputs():
    stats = _stats()
    figure = plot_activation_histograms(stats, epoch=0)
    assert [panel.get_title() for panel in figure.axes] == ["hidden", "out"]
    for panel, units in zip(figure.axes, (3, 2)):
        counts, edges = stats.histograms[panel.get_title()][0]
        heights = [bar.get_height() for bar in panel.patches]
        np.testing.assert_array_equal(heights, counts)
        assert sum(heights) == 5 * units   # every output of every probe example
        np.testing.assert_allclose([bar.get_x() for bar in panel.patches], edges[:-1])
    assert figure._suptitle.get_text() == "activations, measurement 1 of 2"


def test_the_last_measurement_by_default():
    stats = _stats()
    panel = plot_activation_histograms(stats.histograms).axes[0]
    np.testing.assert_array_equal([bar.get_height() for bar in panel.patches], stats.histograms["hidden"][-1][0])


def test_an_epoch_out_of_range_or_no_measurement_is_refused():
    with pytest.raises(ValueError, match=r"epoch must index the 2 measurements \(from -2 to 1\), received 2"):
        plot_activation_histograms(_stats(), epoch=2)
    with pytest.raises(ValueError, match="measured at least one epoch"):
        plot_activation_histograms(ActivationStats(np.zeros((2, 2))))
