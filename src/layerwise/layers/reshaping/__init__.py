"""Layers that reshape: padding, cropping and upsampling of images and sequences, repeating and permuting axes."""

from layerwise.layers.reshaping.cropping1d import Cropping1D
from layerwise.layers.reshaping.cropping2d import Cropping2D
from layerwise.layers.reshaping.cropping3d import Cropping3D
from layerwise.layers.reshaping.permute import Permute
from layerwise.layers.reshaping.repeat_vector import RepeatVector
from layerwise.layers.reshaping.up_sampling1d import UpSampling1D
from layerwise.layers.reshaping.up_sampling2d import UpSampling2D
from layerwise.layers.reshaping.up_sampling3d import UpSampling3D
from layerwise.layers.reshaping.zero_padding1d import ZeroPadding1D
from layerwise.layers.reshaping.zero_padding2d import ZeroPadding2D
from layerwise.layers.reshaping.zero_padding3d import ZeroPadding3D

__all__ = ["Cropping1D", "Cropping2D", "Cropping3D", "Permute", "RepeatVector", "UpSampling1D", "UpSampling2D",
           "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"]
