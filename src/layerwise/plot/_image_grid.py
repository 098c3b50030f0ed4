"""A grid of small images, each scaled to [0, 1] on its own: filters and feature maps."""

import math

import numpy as np

from layerwise.plot._figure import panels


def unit_range(image):
    """(image - min) / (max - min), or zeros for a constant image: each image's own contrast, since
    kernels and feature maps of one layer differ in scale."""
    low, spread = image.min(), np.ptp(image)
    return (image - low) / spread if spread else np.zeros_like(image, dtype=float)


def image_grid(images, titles, ax, owner):
    """Draw each (h, w) or (h, w, 3) image in a panel of a square-ish grid, grey for one channel; return the
    figure."""
    ncols = math.ceil(math.sqrt(len(images)))
    figure, axes = panels(ax, len(images), owner, ncols=ncols, panel_size=(1.3, 1.3))
    for panel, image, title in zip(axes, images, titles):
        panel.imshow(unit_range(image), cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
        panel.set_title(title, fontsize="x-small")
        panel.axis("off")
    return figure
