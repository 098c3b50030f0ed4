"""plot_dead_units: the fraction of dead units and of zero activations per layer, over training."""

from layerwise.plot._figure import finish, panels
from layerwise.plot._layer_curves import draw_layer_curves
from layerwise.plot._logs import history_dict, layer_series

_STATISTICS = ("dead_fraction", "sparsity")


def plot_dead_units(history, ax=None, path=None):
    """Draw, per ReLU-family layer, ``dead_fraction/<layer>`` (units zero for every probe example) and
    ``sparsity/<layer>`` (the fraction of zero activations) against the epoch, one panel each.

    The two are kept apart on purpose: dropout and L1 penalties raise sparsity while every unit stays
    alive, whereas a learning rate too large kills units for good, and the dead fraction only climbs
    ("as much as 40% of your network can be dead", lecture 000).

    Args:
        history: a `History` from `fit` with a `layerwise.diagnostics.DeadUnits` among the callbacks, or
            its ``.history`` dict. With ``every_epoch=k`` the i-th point is the i-th measurement.
        ax: two matplotlib Axes (dead fraction, sparsity), or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure.

    Example:
        >>> from layerwise.plot import plot_dead_units
        >>> logs = {"dead_fraction/hidden": [0.0, 0.25], "sparsity/hidden": [0.5, 0.6]}
        >>> [(panel.get_title(), len(panel.lines)) for panel in plot_dead_units(logs).axes]
        [('dead_fraction', 1), ('sparsity', 1)]
    """
    logs = history_dict(history, "plot_dead_units")
    series = [layer_series(logs, statistic, "plot_dead_units", "DeadUnits") for statistic in _STATISTICS]
    figure, axes = panels(ax, len(_STATISTICS), "plot_dead_units")
    for panel, statistic, values in zip(axes, _STATISTICS, series):
        draw_layer_curves(panel, values, statistic)
        panel.set_ylim(-0.02, 1.02)
    return finish(figure, path, "plot_dead_units")
