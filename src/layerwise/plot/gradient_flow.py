"""plot_gradient_flow: each layer's gradient norm over training, the vanishing-gradient picture."""

from layerwise.plot._figure import finish, panels
from layerwise.plot._layer_curves import draw_layer_curves
from layerwise.plot._logs import history_dict, layer_series


def plot_gradient_flow(history, statistic="grad_norm", ax=None, path=None):
    """Draw ``grad_norm/<layer>`` (||dJ/dW||_2 of each layer's kernel, the epoch's mean over the sampled
    batches) against the epoch on a log scale, one line per layer.

    With saturating activations the lines sit decades apart, the layers nearest the input lowest: the
    product of many f'(z) < 1 in dJ/dx_l shrinks the gradient layer by layer (lecture 000). ReLUs, careful
    initialization and batch normalization bring the lines together.

    Args:
        history: a `History` from `fit` with a `layerwise.diagnostics.GradientFlow` among the callbacks,
            or its ``.history`` dict.
        statistic: which of GradientFlow's statistics to draw: ``"grad_norm"``, ``"grad_mean_abs"``,
            ``"grad_max_abs"`` or ``"update_ratio"`` (all positive, hence the log scale).
        ax: a matplotlib Axes, or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure.

    Example:
        >>> from layerwise.plot import plot_gradient_flow
        >>> logs = {"loss": [0.7, 0.6], "grad_norm/hidden": [1e-4, 2e-4], "grad_norm/out": [0.1, 0.2]}
        >>> (panel,) = plot_gradient_flow(logs).axes
        >>> [line.get_label() for line in panel.lines], panel.get_yscale()
        (['hidden', 'out'], 'log')

    References:
        Lecture 000 (vanishing gradients); Glorot and Bengio, "Understanding the difficulty of training
        deep feedforward neural networks", AISTATS 2010.
    """
    series = layer_series(history_dict(history, "plot_gradient_flow"), statistic, "plot_gradient_flow",
                          "GradientFlow")
    figure, (panel,) = panels(ax, 1, "plot_gradient_flow", panel_size=(6.0, 4.0))
    draw_layer_curves(panel, series, statistic)
    panel.set_yscale("log")
    return finish(figure, path, "plot_gradient_flow")
