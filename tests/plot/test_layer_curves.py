"""plot_gradient_flow and plot_dead_units: one line per layer, from real diagnostics and from synthetic logs."""

import numpy as np
import pytest

import layerwise
from layerwise.diagnostics import DeadUnits, GradientFlow
from layerwise.layers import Dense
from layerwise.plot import plot_dead_units, plot_gradient_flow


def _trained_mlp():
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, activation="relu", name="hidden"),
                                  Dense(4, activation="relu", name="middle"), Dense(1, name="out")])
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 3))
    callbacks = [GradientFlow(every=2), DeadUnits(x[:8])]
    return model.fit(x, np.zeros((16, 1)), batch_size=4, epochs=3, verbose=0, callbacks=callbacks)


def test_gradient_flow_has_one_line_per_layer_with_its_norms_on_a_log_scale():
    history = _trained_mlp()
    (panel,) = plot_gradient_flow(history).axes
    assert [line.get_label() for line in panel.lines] == ["hidden", "middle", "out"]
    for line in panel.lines:
        np.testing.assert_array_equal(line.get_ydata(), history.history[f"grad_norm/{line.get_label()}"])
        np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    assert panel.get_yscale() == "log"


def test_gradient_flow_draws_another_statistic():
    (panel,) = plot_gradient_flow({"update_ratio/a": [1e-3], "grad_norm/a": [5.0]}, statistic="update_ratio").axes
    assert panel.get_title() == "update_ratio" and list(panel.lines[0].get_ydata()) == [1e-3]


def test_dead_units_has_a_dead_and_a_sparsity_panel_of_one_line_per_relu_layer():
    history = _trained_mlp()
    dead, sparsity = plot_dead_units(history).axes
    for panel in (dead, sparsity):
        assert [line.get_label() for line in panel.lines] == ["hidden", "middle"]
    np.testing.assert_array_equal(sparsity.lines[1].get_ydata(), history.history["sparsity/middle"])


def test_a_history_without_the_diagnostics_names_the_callback_to_add():
    with pytest.raises(ValueError, match=r"no 'grad_norm/<layer>' keys; train with layerwise.diagnostics."
                                         r"GradientFlow .* \(keys found: \['loss'\]\)"):
        plot_gradient_flow({"loss": [1.0]})
    with pytest.raises(ValueError, match="no 'sparsity/<layer>' keys; train with layerwise.diagnostics.DeadUnits"):
        plot_dead_units({"dead_fraction/hidden": [0.0]})
