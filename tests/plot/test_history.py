import numpy as np
import pytest

import layerwise
from layerwise.layers import Dense
from layerwise.plot import plot_history
from layerwise.pretraining.layer_report import LayerReport


def test_one_panel_per_metric_loss_first_with_train_and_validation_curves():
    logs = {"accuracy": [0.5, 0.7, 0.9], "loss": [1.0, 0.6, 0.3], "val_loss": [1.2, 0.8, 0.9],
            "grad_norm/dense": [1.0, 2.0, 3.0]}
    figure = plot_history(logs)
    loss, accuracy = figure.axes
    assert (loss.get_title(), accuracy.get_title()) == ("loss", "accuracy")
    train, validation = loss.lines
    np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3])
    np.testing.assert_array_equal(train.get_ydata(), logs["loss"])
    np.testing.assert_array_equal(validation.get_ydata(), logs["val_loss"])
    assert [line.get_label() for line in loss.lines] == ["train", "validation"]
    assert len(accuracy.lines) == 1


def test_reads_the_history_that_fit_returns():
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    history = model.fit(np.ones((8, 2)), np.zeros((8, 1)), epochs=3, validation_split=0.25, verbose=0)
    figure = plot_history(history, metrics=["mae"])
    (panel,) = figure.axes
    assert [len(line.get_ydata()) for line in panel.lines] == [3, 3]


def test_a_pretraining_report_titles_the_figure_with_its_layer():
    report = LayerReport("hidden", "autoencoder")
    report.history = {"loss": [0.3, 0.2]}
    assert plot_history(report)._suptitle.get_text() == "pre-training of hidden (autoencoder)"


def test_draws_on_the_axes_given():
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(1, 2)
    assert plot_history({"loss": [1.0], "mae": [2.0]}, ax=axes) is figure
    assert [len(panel.lines) for panel in axes] == [1, 1]
    with pytest.raises(ValueError, match="ax must be 2 matplotlib Axes .* received 1"):
        plot_history({"loss": [1.0], "mae": [2.0]}, ax=axes[0])


def test_unknown_metric_names_what_the_history_holds():
    with pytest.raises(ValueError, match=r"metrics \['accuracy'\] are not in the history; it holds \['loss'\]"):
        plot_history({"loss": [1.0]}, metrics=["accuracy"])
    with pytest.raises(TypeError, match="History or its .history dict, received list"):
        plot_history([1.0, 2.0])


def test_a_resumed_fit_is_drawn_at_its_own_epochs():
    model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(np.ones((4, 2)), np.zeros((4, 1)), epochs=5, initial_epoch=3, verbose=0)
    np.testing.assert_array_equal(plot_history(history).axes[0].lines[0].get_xdata(), [4, 5])


def test_an_empty_history_says_so():
    with pytest.raises(ValueError, match="holds no curves to draw"):
        plot_history(LayerReport("hidden", "rbm"))
