"""plot_history: the training curves of a History, train against validation, one panel per metric."""

from layerwise.plot._figure import finish, panels
from layerwise.plot._logs import history_dict

_VALIDATION = "val_"


def _default_metrics(logs):
    """The logged quantities in the logs' order, loss first; ``val_x`` joins ``x``'s panel and the
    diagnostics' ``<statistic>/<layer>`` keys are left to their own plots."""
    names = []
    for key in logs:
        name = key[len(_VALIDATION):] if key.startswith(_VALIDATION) else key
        if "/" not in name and name not in names:
            names.append(name)
    return sorted(names, key=lambda name: name != "loss")


def plot_history(history, metrics=None, ax=None, path=None):
    """Draw the training curves: one panel per metric, the training value and the validation one
    (``val_<metric>``) against the epoch.

    A validation curve that turns up while the training one keeps falling is overfitting (lecture 002's
    picture for early stopping).

    Args:
        history: the `History` that `fit` returns, its ``.history`` dict, or a pre-training `LayerReport`
            (whose layer and method title the figure).
        metrics: the names to draw (without ``val_``), in order; default every logged quantity, loss first.
        ax: one matplotlib Axes per metric (a single Axes for one metric), or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure.

    Example:
        >>> from layerwise.plot import plot_history
        >>> figure = plot_history({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8], "accuracy": [0.5, 0.8, 0.9]})
        >>> [(axes.get_title(), len(axes.lines)) for axes in figure.axes]
        [('loss', 2), ('accuracy', 1)]
    """
    logs = history_dict(history, "plot_history")
    metrics = _default_metrics(logs) if metrics is None else list(metrics)
    if not metrics:
        raise ValueError(f"plot_history: the history holds no curves to draw (its keys: {sorted(logs)}); "
                         "plot it after training")
    missing = [name for name in metrics if name not in logs and _VALIDATION + name not in logs]
    if missing:
        raise ValueError(f"plot_history: metrics {missing} are not in the history; it holds {sorted(logs)}")
    # A History knows its epochs (a resumed fit starts at initial_epoch); a dict counts from 1.
    epochs = [epoch + 1 for epoch in getattr(history, "epoch", [])]
    figure, axes = panels(ax, len(metrics), "plot_history", ncols=3)
    for panel, name in zip(axes, metrics):
        for key, label in ((name, "train"), (_VALIDATION + name, "validation")):
            if key in logs:
                values = logs[key]
                panel.plot(epochs if len(epochs) == len(values) else range(1, len(values) + 1), values,
                           marker=".", label=label)
        panel.set(title=name, xlabel="epoch")
        panel.legend()
    if hasattr(history, "layer_name"):
        figure.suptitle(f"pre-training of {history.layer_name} ({history.method})")
    return finish(figure, path, "plot_history")
