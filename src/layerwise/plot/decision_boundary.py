"""plot_decision_boundary: the class a model predicts at every point of a 2-D input plane."""

import numpy as np

from layerwise.models import Model
from layerwise.plot._figure import finish, panels

#: The fraction of the data's range added on each side, so that the boundary is seen around the points.
_MARGIN = 0.1


def predicted_classes(outputs):
    """The class of each output row: argmax of k > 1 scores, else > 0.5 of one sigmoid probability."""
    outputs = np.asarray(outputs)
    if outputs.ndim == 2 and outputs.shape[1] > 1:
        return np.argmax(outputs, axis=1)
    return (outputs.reshape(len(outputs)) > 0.5).astype(np.int64)


def plot_decision_boundary(model, x, y, resolution=200, ax=None, path=None):
    """Colour a ``resolution`` x ``resolution`` grid over the data by the class ``model`` predicts there,
    and draw the examples on top, coloured by their true class.

    The regions show what function the network has learned: one line for a linear model, the curved
    boundaries that hidden layers make possible on XOR, moons or spirals (lectures 001 and 002).

    Args:
        model: a trained model of 2-D inputs, a layerwise model or anything with ``predict(x)`` (the
            `Perceptron`, a scikit-learn classifier): one sigmoid output or 0/1 labels (class 1 where it
            exceeds 0.5), or k class scores (their argmax).
        x: the examples, shape (N, 2); they fix the grid's extent, with a 10% margin.
        y: their classes: labels (N,) or one-hot rows (N, k); up to 10 classes get colours of their own.
        resolution: grid points along each axis.
        ax: a matplotlib Axes, or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure; its axes' first image is the grid of predicted classes (row 0 at the
        lowest x_2).

    Example:
        >>> import numpy as np, layerwise
        >>> from layerwise.layers import Dense
        >>> from layerwise.plot import plot_decision_boundary
        >>> model = layerwise.Sequential([layerwise.Input(shape=(2,)), Dense(1, activation="sigmoid")])
        >>> model.set_weights([np.array([[1.0], [0.0]]), np.zeros(1)])   # class 1 where x_1 > 0
        >>> figure = plot_decision_boundary(model, np.array([[-1.0, 0.0], [1.0, 1.0]]), [0, 1], resolution=4)
        >>> figure.axes[0].images[0].get_array().tolist()
        [[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 1, 1]]
    """
    x = np.asarray(x)
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary: x must be 2-D points of shape (N, 2), received shape {x.shape}")
    if not isinstance(resolution, (int, np.integer)) or resolution < 2:
        raise ValueError(f"plot_decision_boundary: resolution must be an integer >= 2, received {resolution!r}")
    y = np.asarray(y)
    labels = np.argmax(y, axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(len(y))
    low, high = x.min(axis=0), x.max(axis=0)
    low, high = low - _MARGIN * (high - low), high + _MARGIN * (high - low)
    first, second = (np.linspace(low[i], high[i], resolution) for i in range(2))
    grid = np.stack(np.meshgrid(first, second), axis=-1).reshape(-1, 2).astype(x.dtype)
    # A layerwise model predicts the grid in large batches and silently; other estimators take x alone.
    scores = model.predict(grid, batch_size=4096, verbose=0) if isinstance(model, Model) else model.predict(grid)
    regions = predicted_classes(scores).reshape(resolution, resolution)
    classes = int(max(regions.max(), labels.max())) + 1
    figure, (panel,) = panels(ax, 1, "plot_decision_boundary", panel_size=(5.0, 4.5))
    cmap = "tab10"
    panel.imshow(regions, origin="lower", extent=(low[0], high[0], low[1], high[1]), aspect="auto", cmap=cmap,
                 vmin=0, vmax=9, alpha=0.35, interpolation="nearest")
    panel.scatter(x[:, 0], x[:, 1], c=labels, cmap=cmap, vmin=0, vmax=9, s=12, edgecolors="black", linewidths=0.3)
    panel.set(xlabel="$x_1$", ylabel="$x_2$", title=f"decision regions ({classes} classes)")
    return finish(figure, path, "plot_decision_boundary")
