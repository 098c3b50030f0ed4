"""plot_activation_histograms: the distribution of each layer's outputs at one measured epoch."""

import numpy as np

from layerwise.plot._figure import finish, panels


def plot_activation_histograms(activation_stats, epoch=-1, ax=None, path=None):
    """Draw one small histogram per layer of its outputs on the probe set, as an `ActivationStats`
    callback measured them.

    Sigmoid and tanh layers piled against their asymptotes are saturated, their gradients nearly zero
    (lecture 000); a ReLU layer's spike at zero is its sparsity. Comparing epochs shows the shift of
    the distributions that batch normalization removes.

    Args:
        activation_stats: the `layerwise.diagnostics.ActivationStats` callback after training, or its
            ``histograms`` dict ({layer: [(counts, edges) per measured epoch]}).
        epoch: which measurement to draw, an index into each layer's list (-1: the last).
        ax: one matplotlib Axes per layer, or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure.

    Example:
        >>> import numpy as np
        >>> from layerwise.plot import plot_activation_histograms
        >>> histograms = {"hidden": [np.histogram([0.1, 0.2, 0.9], bins=2)]}
        >>> (panel,) = plot_activation_histograms(histograms).axes
        >>> [int(bar.get_height()) for bar in panel.patches]
        [2, 1]
    """
    histograms = getattr(activation_stats, "histograms", activation_stats)
    if not isinstance(histograms, dict) or not histograms:
        raise ValueError("plot_activation_histograms: activation_stats must be an ActivationStats callback "
                         "that has measured at least one epoch, or its histograms dict; received "
                         f"{type(activation_stats).__name__} with no histograms")
    measured = min(len(per_epoch) for per_epoch in histograms.values())
    if not isinstance(epoch, (int, np.integer)) or not -measured <= epoch < measured:
        raise ValueError(f"plot_activation_histograms: epoch must index the {measured} measurements "
                         f"(from {-measured} to {measured - 1}), received {epoch!r}")
    figure, axes = panels(ax, len(histograms), "plot_activation_histograms", panel_size=(3.0, 2.4))
    for panel, (layer, per_epoch) in zip(axes, histograms.items()):
        counts, edges = per_epoch[epoch]
        panel.bar(edges[:-1], counts, width=np.diff(edges), align="edge")
        panel.set_title(layer, fontsize="medium")
        panel.tick_params(labelsize="small")
    figure.suptitle(f"activations, measurement {epoch % measured + 1} of {measured}")
    figure.tight_layout()
    return finish(figure, path, "plot_activation_histograms")
