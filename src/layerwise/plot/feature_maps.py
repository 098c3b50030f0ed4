"""plot_feature_maps: what each channel of a convolutional layer sees in one input."""

import numpy as np

from layerwise.diagnostics._probe import require_graph
from layerwise.plot._figure import finish
from layerwise.plot._image_grid import image_grid


def plot_feature_maps(model, layer_name, x, max_maps=32, ax=None, path=None):
    """Draw the first ``max_maps`` channels of the output of the layer ``layer_name`` on one example.

    Channel j of a convolutional layer is phi(x * w_j + b_j) over the image: a map of where its filter's
    pattern appears. Early layers light up on edges, later ones on parts (lecture 004).

    Args:
        model: a `Model` or `Sequential`; the layer may sit in a nested model.
        layer_name: the layer whose output to draw; it must output (height, width, channels) maps.
        x: one example, with or without a batch axis of 1.
        max_maps: draw at most this many channels (the first ones).
        ax: one matplotlib Axes per map drawn, or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure, one panel per channel.

    Example:
        >>> import numpy as np, layerwise
        >>> from layerwise.layers import Conv2D
        >>> from layerwise.plot import plot_feature_maps
        >>> model = layerwise.Sequential([layerwise.Input(shape=(5, 5, 1)), Conv2D(2, 3, name="conv")])
        >>> figure = plot_feature_maps(model, "conv", np.ones((5, 5, 1)))
        >>> [axes.images[0].get_array().shape for axes in figure.axes]
        [(3, 3), (3, 3)]
    """
    require_graph(model, "plot_feature_maps")
    x = np.asarray(x)
    example_rank = len(model.inputs[0].shape) - 1
    x = x[np.newaxis] if x.ndim == example_rank else x
    if x.ndim != example_rank + 1 or len(x) != 1:
        raise ValueError(f"plot_feature_maps: x must be one example of shape {model.inputs[0].shape[1:]} "
                         f"(or a batch of 1), received shape {x.shape}")
    found = model.layer_outputs(x, lambda layer: layer.name == layer_name)
    if not found:
        names = [layer.name for layer in model.flatten_layers()[1:]]
        raise ValueError(f"plot_feature_maps: the model has no layer named {layer_name!r}; its layers are {names}")
    (outputs,) = found.values()
    maps = outputs[0][0]
    if maps.ndim != 3:
        raise ValueError(f"plot_feature_maps: feature maps are (height, width, channels) outputs, but layer "
                         f"{layer_name!r} outputs shape {maps.shape} per example")
    channels = range(min(maps.shape[-1], max_maps))
    figure = image_grid([maps[..., j] for j in channels], [str(j) for j in channels], ax, "plot_feature_maps")
    figure.suptitle(f"feature maps of {layer_name}")
    return finish(figure, path, "plot_feature_maps")
