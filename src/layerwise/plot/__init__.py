"""Plots of training and of what happens inside a model (the ``plot`` extra: ``pip install 'layerwise[plot]'``).

Every function takes the data, draws on the ``ax`` given or on a new figure, saves it when given
``path=`` (PNG or SVG, by the suffix) and returns the matplotlib Figure. matplotlib is imported at the
first drawing, never when layerwise is imported.
"""

from layerwise.plot.activation_histograms import plot_activation_histograms
from layerwise.plot.confusion_matrix import plot_confusion_matrix
from layerwise.plot.dead_units import plot_dead_units
from layerwise.plot.decision_boundary import plot_decision_boundary
from layerwise.plot.feature_maps import plot_feature_maps
from layerwise.plot.filters import plot_filters
from layerwise.plot.gradient_flow import plot_gradient_flow
from layerwise.plot.history import plot_history
from layerwise.plot.model_dot import model_to_dot
from layerwise.plot.model_graph import plot_model
from layerwise.plot.trajectories import (animate_optimizer_trajectories, optimizer_trajectory,
                                        plot_optimizer_trajectories)

__all__ = ["animate_optimizer_trajectories", "optimizer_trajectory", "plot_activation_histograms",
           "plot_confusion_matrix", "plot_dead_units", "plot_decision_boundary", "plot_feature_maps", "plot_filters",
           "plot_gradient_flow", "plot_history", "plot_model", "plot_optimizer_trajectories", "model_to_dot"]
