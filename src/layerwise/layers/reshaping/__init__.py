"""Layers that reshape images: padding, cropping and upsampling."""

from layerwise.layers.reshaping.cropping2d import Cropping2D
from layerwise.layers.reshaping.up_sampling2d import UpSampling2D
from layerwise.layers.reshaping.zero_padding2d import ZeroPadding2D

__all__ = ["Cropping2D", "UpSampling2D", "ZeroPadding2D"]
