"""Optimizer trajectories on a 2-D surface: the path each update rule takes, drawn over the contour lines,
still or as a GIF (lecture 001's pictures of SGD, momentum and Adam at a saddle point)."""

import importlib.util
from pathlib import Path

import numpy as np

from layerwise.layers.base import Parameter
from layerwise.optimizers import get as get_optimizer
from layerwise.plot._figure import finish, panels

#: The fraction of the trajectories' range added on each side of the default extent.
_MARGIN = 0.2


def optimizer_trajectory(optimizer, gradient, start, steps):
    """The points theta_0 = start, theta_1, ..., theta_steps that ``optimizer`` visits, given dJ/dtheta.

    Args:
        optimizer: a layerwise optimizer, or its name ("sgd", "adam" ...); its state is built here.
        gradient: dJ/dtheta at a point, an array of the point's shape (e.g. `toy.saddle_gradient`).
        start: theta_0, e.g. a point (u, v).
        steps: the number of updates.

    Returns:
        An array of shape (steps + 1, len(start)).

    Example:
        >>> from layerwise.datasets.toy import saddle_gradient
        >>> from layerwise.optimizers import SGD
        >>> optimizer_trajectory(SGD(0.25), saddle_gradient, (1.0, 0.5), 2).tolist()   # u halves, v grows
        [[1.0, 0.5], [0.5, 0.75], [0.25, 1.125]]
    """
    optimizer = get_optimizer(optimizer)
    point = Parameter(np.array(start, dtype=np.float64), "trajectory/point")
    visited = [point.value.copy()]
    for _ in range(steps):
        point.grad[...] = gradient(point.value)
        optimizer.apply([point])
        visited.append(point.value.copy())
    return np.array(visited)


def _trajectory_axes(surface, trajectories, extent, levels, ax, owner):
    """The contour panel with one empty line per trajectory (the caller fills them): (figure, panel, lines,
    the trajectories as arrays)."""
    paths = {name: np.asarray(points, dtype=np.float64) for name, points in dict(trajectories).items()}
    bad = {name: points.shape for name, points in paths.items() if points.ndim != 2 or points.shape[1] != 2}
    if not paths or bad:
        raise ValueError(f"{owner}: trajectories must map names to points of shape (steps, 2), received "
                         f"{bad or 'none'}")
    if extent is None:
        stacked = np.concatenate(list(paths.values()))
        low, high = stacked.min(axis=0), stacked.max(axis=0)
        pad = _MARGIN * np.maximum(high - low, 1e-3)
        extent = (low[0] - pad[0], high[0] + pad[0], low[1] - pad[1], high[1] + pad[1])
    u, v = np.meshgrid(np.linspace(extent[0], extent[1], 200), np.linspace(extent[2], extent[3], 200))
    figure, (panel,) = panels(ax, 1, owner, panel_size=(6.0, 5.0))
    panel.contour(u, v, surface(np.stack([u, v], axis=-1)), levels=levels, cmap="Greys", linewidths=0.6)
    lines = {name: panel.plot([], [], marker=".", markersize=4, label=name)[0] for name in paths}
    for name, points in paths.items():
        panel.plot(*points[0], marker="o", color=lines[name].get_color())
    panel.set(xlim=extent[:2], ylim=extent[2:], xlabel="$u$", ylabel="$v$")
    panel.legend()
    return figure, panel, lines, paths


def plot_optimizer_trajectories(surface, trajectories, extent=None, levels=30, ax=None, path=None):
    """Draw the contour lines of ``surface`` and each trajectory on them, its start marked by a dot.

    Args:
        surface: f at points of shape (..., 2), returning shape (...), e.g. `toy.saddle`.
        trajectories: {name: points (steps, 2)}, e.g. from `optimizer_trajectory`.
        extent: (u_min, u_max, v_min, v_max); default the trajectories' range and 20% around it.
        levels: the number of contour lines.
        ax: a matplotlib Axes, or None for a new figure.
        path: save the figure there, as PNG or SVG by the suffix.

    Returns:
        The matplotlib Figure; its panel's lines are the trajectories, in order, then their start dots.

    Example:
        >>> from layerwise.datasets.toy import saddle
        >>> from layerwise.plot import plot_optimizer_trajectories
        >>> figure = plot_optimizer_trajectories(saddle, {"sgd": [[1.0, 0.1], [0.5, 0.2], [0.2, 0.4]]})
        >>> figure.axes[0].lines[0].get_xdata().tolist()
        [1.0, 0.5, 0.2]
    """
    figure, _, lines, paths = _trajectory_axes(surface, trajectories, extent, levels, ax,
                                               "plot_optimizer_trajectories")
    for name, points in paths.items():
        lines[name].set_data(points[:, 0], points[:, 1])
    return finish(figure, path, "plot_optimizer_trajectories")


def animate_optimizer_trajectories(surface, trajectories, path, fps=10, extent=None, levels=30, dpi=60):
    """Write a GIF in which the trajectories grow one step per frame over the contour lines of ``surface``.

    Written by matplotlib's `PillowWriter`, so Pillow must be installed.

    Args:
        surface, trajectories, extent, levels: as `plot_optimizer_trajectories`.
        path: the ``.gif`` file to write.
        fps: frames (steps) per second.
        dpi: pixels per inch of the frames (the 6 x 5 inch figure is 360 x 300 pixels at 60).

    Returns:
        The matplotlib Figure, showing the last frame.

    Example:
        SGD's and Adam's first 4 steps from (1, 0.1) on the saddle: 5 frames, 6 x 5 inches at 20 dpi.

        >>> import os, tempfile
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from PIL import Image
        >>> from layerwise.datasets.toy import saddle, saddle_gradient
        >>> paths = {name: optimizer_trajectory(name, saddle_gradient, (1.0, 0.1), 4) for name in ("sgd", "adam")}
        >>> with tempfile.TemporaryDirectory() as directory:
        ...     path = os.path.join(directory, "saddle.gif")
        ...     figure = animate_optimizer_trajectories(saddle, paths, path, levels=5, dpi=20)
        ...     with Image.open(path) as gif:
        ...         print(gif.format, gif.n_frames, gif.size)
        GIF 5 (120, 100)
        >>> plt.close(figure)
    """
    if Path(path).suffix.lower() != ".gif":
        raise ValueError(f"animate_optimizer_trajectories: path must end in .gif, received {str(path)!r}")
    if importlib.util.find_spec("PIL") is None:
        raise ImportError("animate_optimizer_trajectories writes GIFs with Pillow, which is not installed: "
                          "pip install pillow")
    from matplotlib.animation import FuncAnimation, PillowWriter

    figure, _, lines, paths = _trajectory_axes(surface, trajectories, extent, levels, None,
                                               "animate_optimizer_trajectories")

    def show_step(step):
        for name, points in paths.items():
            lines[name].set_data(points[:step + 1, 0], points[:step + 1, 1])
        return list(lines.values())

    frames = max(len(points) for points in paths.values())
    FuncAnimation(figure, show_step, frames=frames, blit=False).save(path, writer=PillowWriter(fps=fps), dpi=dpi)
    return figure
