"""Convolution layers (lecture 004)."""

from layerwise.layers.convolutional.conv1d import Conv1D
from layerwise.layers.convolutional.conv1d_transpose import Conv1DTranspose
from layerwise.layers.convolutional.conv2d import Conv2D
from layerwise.layers.convolutional.conv2d_transpose import Conv2DTranspose
from layerwise.layers.convolutional.conv3d import Conv3D
from layerwise.layers.convolutional.conv3d_transpose import Conv3DTranspose
from layerwise.layers.convolutional.depthwise_conv1d import DepthwiseConv1D
from layerwise.layers.convolutional.depthwise_conv2d import DepthwiseConv2D
from layerwise.layers.convolutional.separable_conv1d import SeparableConv1D
from layerwise.layers.convolutional.separable_conv2d import SeparableConv2D

__all__ = ["Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose", "DepthwiseConv1D",
           "DepthwiseConv2D", "SeparableConv1D", "SeparableConv2D"]
