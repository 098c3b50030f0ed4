"""One curve per layer of a ``<statistic>/<layer>`` series, coloured from the input side to the output side."""

import numpy as np


def draw_layer_curves(panel, series, statistic):
    """Plot each layer's values against the measurement's epoch on ``panel``, one line per layer.

    The colours run along a colormap in the layers' order (input side first, as the diagnostics record
    them), so a gradient that shrinks towards the input reads as a fading of colour down the panel.
    """
    import matplotlib

    colours = matplotlib.colormaps["viridis"](np.linspace(0.0, 0.9, len(series)))
    for colour, (layer, values) in zip(colours, series.items()):
        panel.plot(range(1, len(values) + 1), values, marker=".", color=colour, label=layer)
    panel.set(title=statistic, xlabel="epoch", ylabel=statistic)
    panel.legend(fontsize="small")
