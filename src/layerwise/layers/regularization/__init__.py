"""Regularization layers: units, weights or noise dropped or added at random in training."""

from layerwise.layers.regularization.alpha_dropout import AlphaDropout
from layerwise.layers.regularization.drop_connect import DropConnect
from layerwise.layers.regularization.dropout import Dropout
from layerwise.layers.regularization.gaussian_dropout import GaussianDropout
from layerwise.layers.regularization.gaussian_noise import GaussianNoise
from layerwise.layers.regularization.masking_noise import MaskingNoise
from layerwise.layers.regularization.spatial_dropout1d import SpatialDropout1D
from layerwise.layers.regularization.spatial_dropout2d import SpatialDropout2D
from layerwise.layers.regularization.spatial_dropout3d import SpatialDropout3D

__all__ = ["AlphaDropout", "DropConnect", "Dropout", "GaussianDropout", "GaussianNoise", "MaskingNoise",
           "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]
