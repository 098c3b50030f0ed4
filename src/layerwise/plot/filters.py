"""plot_filters: the learned kernels of a first layer, drawn as images."""

import numpy as np

from layerwise.plot._figure import finish
from layerwise.plot._image_grid import image_grid
from layerwise.utils._arguments import check_integer


def filter_images(layer, image_shape=None):
    """The images of ``layer``'s filters: a Conv2D kernel (kh, kw, c, filters) of c = 1 (grey) or c = 3
    (colour) input channels gives one (kh, kw[, 3]) image per filter; a Dense kernel (inputs, units) gives
    each unit's weights reshaped to ``image_shape``."""
    kernel = getattr(getattr(layer, "kernel", None), "value", None)
    if kernel is None:
        raise ValueError(f"plot_filters: layer must be a built Dense or Conv2D layer (one with a kernel), "
                         f"received {type(layer).__name__} '{getattr(layer, 'name', layer)}'")
    if kernel.ndim == 4:
        channels = kernel.shape[2]
        if channels not in (1, 3):
            raise ValueError(f"plot_filters: a Conv2D kernel is drawn for 1 or 3 input channels (a first "
                             f"layer on grey or colour images), received {channels} in '{layer.name}'")
        return [kernel[..., 0, unit] if channels == 1 else kernel[..., unit] for unit in range(kernel.shape[3])]
    if kernel.ndim != 2:
        raise ValueError(f"plot_filters: expected a Dense kernel (inputs, units) or a Conv2D kernel "
                         f"(kh, kw, channels, filters), received shape {kernel.shape} in '{layer.name}'")
    if image_shape is None or int(np.prod(image_shape)) != kernel.shape[0]:
        raise ValueError(f"plot_filters: a Dense layer's weights are drawn as images of image_shape, whose "
                         f"size must be its {kernel.shape[0]} inputs, received image_shape={image_shape!r}")
    shape = tuple(image_shape[:2]) if np.prod(image_shape[2:], dtype=int) == 1 else tuple(image_shape)
    return [kernel[:, unit].reshape(shape) for unit in range(kernel.shape[1])]


def plot_filters(layer, image_shape=None, max_filters=64, ax=None, path=None):
    """Draw the first ``max_filters`` filters of a first layer as images, each scaled to its own range.

    Unit i of a Dense layer computes phi(w_i . x + b_i): its weights w_i, laid out as the input image, are
    the pattern it responds to most (strokes and blobs on MNIST); a first Conv2D layer's kernels are small
    edge and colour detectors (lecture 004).

    Args:
        layer: a built `Conv2D` of 1 or 3 input channels, or a `Dense` layer fed by flattened images.
        image_shape: for a Dense layer, the shape of its input images, (h, w) or (h, w, channels).
        max_filters: draw at most this many (the first ones).
        ax: one matplotlib Axes per filter drawn, or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure, one panel per filter.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Dense
        >>> from layerwise.plot import plot_filters
        >>> layer = Dense(3)
        >>> layer.build((None, 4))
        >>> figure = plot_filters(layer, image_shape=(2, 2))
        >>> [axes.images[0].get_array().shape for axes in figure.axes]
        [(2, 2), (2, 2), (2, 2)]
    """
    check_integer(max_filters, "max_filters", "plot_filters")
    images = filter_images(layer, image_shape)[:max_filters]
    figure = image_grid(images, [str(unit) for unit in range(len(images))], ax, "plot_filters")
    figure.suptitle(f"filters of {layer.name}")
    return finish(figure, path, "plot_filters")
