"""What every plot shares: matplotlib imported only when a plot is drawn, the axes given or a new figure of
them, and the file written in the format its suffix names."""

import math
from pathlib import Path

import numpy as np

#: The formats a figure is saved in, by the path's suffix.
_FORMATS = {".png": "png", ".svg": "svg"}


def pyplot():
    """`matplotlib.pyplot`, imported at the first drawing: layerwise never imports matplotlib at import time."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError("layerwise.plot draws with matplotlib, which is not installed: "
                          "pip install 'layerwise[plot]'") from error
    return plt


def panels(ax, count, owner, ncols=4, panel_size=(4.0, 3.0)):
    """(figure, a list of ``count`` axes): the axes given in ``ax``, or a new figure of a grid of them.

    Args:
        ax: None for a new figure; an Axes when ``count`` is 1; else a sequence (or array) of ``count``
            Axes, one per panel.
        count: how many panels the plot draws.
        owner: the plotting function, named in errors.
        ncols: the grid's width when a figure is made.
        panel_size: (width, height) of one panel in inches.
    """
    if ax is None:
        ncols = min(count, ncols)
        nrows = math.ceil(count / ncols)
        figure, grid = pyplot().subplots(nrows, ncols, figsize=(panel_size[0] * ncols, panel_size[1] * nrows),
                                         squeeze=False)
        axes = list(grid.ravel())
        for unused in axes[count:]:
            unused.remove()
        return figure, axes[:count]
    axes = list(np.ravel(ax)) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
    if len(axes) != count:
        raise ValueError(f"{owner}: ax must be {count} matplotlib Axes (one per panel), received {len(axes)}")
    return axes[0].figure, axes


def finish(figure, path, owner):
    """Save ``figure`` to ``path`` (``.png`` or ``.svg``, by its suffix) when one is given; return the figure."""
    if path is not None:
        suffix = Path(path).suffix.lower()
        if suffix not in _FORMATS:
            raise ValueError(f"{owner}: path must end in {' or '.join(_FORMATS)}, received {str(path)!r}")
        figure.savefig(path, format=_FORMATS[suffix], bbox_inches="tight")
    return figure
