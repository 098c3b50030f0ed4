"""Regularization layers: dropout and noise."""

from layerwise.layers.regularization.dropout import Dropout
from layerwise.layers.regularization.gaussian_dropout import GaussianDropout
from layerwise.layers.regularization.gaussian_noise import GaussianNoise

__all__ = ["Dropout", "GaussianDropout", "GaussianNoise"]
