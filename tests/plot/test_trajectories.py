import numpy as np
import pytest
from PIL import Image

from layerwise.datasets.toy import saddle, saddle_gradient
from layerwise.optimizers import SGD, Adam
from layerwise.plot import animate_optimizer_trajectories, optimizer_trajectory, plot_optimizer_trajectories


def _trajectories(steps=6):
    start = (1.0, 1e-3)
    return {"sgd": optimizer_trajectory(SGD(0.1), saddle_gradient, start, steps),
            "adam": optimizer_trajectory(Adam(0.1), saddle_gradient, start, steps)}


def test_sgd_follows_theta_minus_lr_times_the_gradient():
    np.testing.assert_allclose(optimizer_trajectory("sgd", saddle_gradient, (1.0, 0.5), 3)[:, 0],
                               [1.0, 0.98, 0.9604, 0.941192])   # u <- u - 0.01 * 2u at the default rate 0.01


def test_one_line_per_trajectory_over_the_surface_contours():
    trajectories = _trajectories()
    panel = plot_optimizer_trajectories(saddle, trajectories).axes[0]
    assert [line.get_label() for line in panel.lines[:2]] == ["sgd", "adam"]
    for line, points in zip(panel.lines, trajectories.values()):
        np.testing.assert_array_equal(np.column_stack(line.get_data()), points)
    assert len(panel.collections) > 0   # the contour lines


def test_the_gif_has_one_frame_per_step(tmp_path):
    animate_optimizer_trajectories(saddle, _trajectories(steps=4), tmp_path / "saddle.gif", fps=5)
    with Image.open(tmp_path / "saddle.gif") as gif:
        assert gif.format == "GIF" and gif.n_frames == 5


def test_trajectories_of_the_wrong_shape_and_a_gif_without_its_suffix_are_refused(tmp_path):
    with pytest.raises(ValueError, match=r"points of shape \(steps, 2\), received \{'sgd': \(3, 3\)\}"):
        plot_optimizer_trajectories(saddle, {"sgd": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="path must end in .gif, received '.*saddle.png'"):
        animate_optimizer_trajectories(saddle, _trajectories(), tmp_path / "saddle.png")
