"""Normalization layers: batch, layer, group and instance normalization (lecture 001)."""

from layerwise.layers.normalization.batch_normalization import BatchNormalization
from layerwise.layers.normalization.group_normalization import GroupNormalization, InstanceNormalization
from layerwise.layers.normalization.layer_normalization import LayerNormalization
from layerwise.layers.normalization.rms_normalization import RMSNormalization
from layerwise.layers.normalization.spectral_normalization import SpectralNormalization
from layerwise.layers.normalization.unit_normalization import UnitNormalization

__all__ = ["BatchNormalization", "GroupNormalization", "InstanceNormalization", "LayerNormalization",
           "RMSNormalization", "SpectralNormalization", "UnitNormalization"]
