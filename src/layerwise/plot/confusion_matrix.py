"""plot_confusion_matrix: how often each true class is predicted as each class."""

import numpy as np

from layerwise.plot._figure import finish, panels


def _classes(y, argument):
    """Integer class indices from labels (N,) or (N, 1), one-hot rows or class probabilities (N, k) (their
    argmax), or one sigmoid probability per example (> 0.5 is class 1)."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return np.argmax(y, axis=1)
    y = y.reshape(len(y)) if y.ndim == 2 else y
    if y.ndim != 1:
        raise ValueError(f"plot_confusion_matrix: {argument} must be labels (N,) or class scores (N, k), "
                         f"received shape {y.shape}")
    if np.issubdtype(y.dtype, np.floating) and np.any(y != np.round(y)):
        return (y > 0.5).astype(np.int64)
    if np.any(y < 0):
        raise ValueError(f"plot_confusion_matrix: {argument} holds negative labels, received minimum {y.min()}")
    return y.astype(np.int64)


def confusion_counts(y_true, y_pred, num_classes=None):
    """The k x k matrix C with C[i, j] = the number of examples of true class i predicted as class j.

    Example:
        >>> confusion_counts([0, 1, 1, 2], [[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.1, 0.8]])
        array([[1, 0, 0],
               [1, 1, 0],
               [0, 0, 1]])
    """
    true, predicted = _classes(y_true, "y_true"), _classes(y_pred, "y_pred")
    if len(true) != len(predicted):
        raise ValueError(f"plot_confusion_matrix: y_true and y_pred must hold as many examples, received "
                         f"{len(true)} and {len(predicted)}")
    largest = int(max(true.max(initial=0), predicted.max(initial=0)))
    num_classes = largest + 1 if num_classes is None else num_classes
    if largest >= num_classes:
        raise ValueError(f"plot_confusion_matrix: labels name {num_classes} classes, but the data holds "
                         f"class {largest}")
    return np.bincount(true * num_classes + predicted, minlength=num_classes ** 2).reshape(num_classes, num_classes)


def plot_confusion_matrix(y_true, y_pred, labels=None, normalize=False, ax=None, path=None):
    """Draw the confusion matrix C[i, j] = #{examples of true class i predicted as j}, each cell annotated.

    The diagonal holds the correct predictions; a bright off-diagonal cell names the pair of classes the
    model confuses.

    Args:
        y_true: the true classes: integer labels (N,) or one-hot rows (N, k).
        y_pred: the predicted classes, or the model's outputs: class probabilities (N, k) are reduced to
            their argmax, one sigmoid probability per example to > 0.5.
        labels: the classes' names, in class order (their number fixes k); default 0 ... k-1.
        normalize: divide each row by its count, so that row i holds the fractions of class i's examples
            (the diagonal is each class's recall).
        ax: a matplotlib Axes, or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure.

    Example:
        >>> from layerwise.plot import plot_confusion_matrix
        >>> figure = plot_confusion_matrix([0, 1, 1], [0, 1, 0], labels=["cat", "dog"])
        >>> figure.axes[0].images[0].get_array().tolist()
        [[1, 0], [1, 1]]
    """
    counts = confusion_counts(y_true, y_pred, None if labels is None else len(labels))
    labels = list(range(len(counts))) if labels is None else list(labels)
    if normalize:
        cells = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    else:
        cells = counts
    size = 1.0 + 0.5 * len(labels)
    figure, (panel,) = panels(ax, 1, "plot_confusion_matrix", panel_size=(size + 1.0, size))
    image = panel.imshow(cells, cmap="Blues", vmin=0)
    figure.colorbar(image, ax=panel)
    ticks = range(len(labels))
    panel.set(xticks=ticks, yticks=ticks, xticklabels=labels, yticklabels=labels, xlabel="predicted",
              ylabel="true", title="confusion matrix" + (" (fraction of each true class)" if normalize else ""))
    threshold = cells.max() / 2
    for (row, column), value in np.ndenumerate(cells):
        panel.text(column, row, f"{value:.2f}" if normalize else f"{value}", ha="center", va="center",
                   color="white" if value > threshold else "black", fontsize="small")
    return finish(figure, path, "plot_confusion_matrix")
