"""Ready-made architectures, as `keras.applications`: residual networks and their plain counterparts."""

from layerwise.applications.residual import SHORTCUTS, residual_block
from layerwise.applications.residual_mlp import residual_mlp
from layerwise.applications.resnet_cifar import CIFAR_DEPTHS, resnet_cifar
from layerwise.applications.resnet import ResNet18, ResNet34, ResNet50, ResNet101, ResNet152, resnet

__all__ = ["CIFAR_DEPTHS", "SHORTCUTS", "residual_block", "residual_mlp", "resnet_cifar"]
__all__ += ["ResNet18", "ResNet34", "ResNet50", "ResNet101", "ResNet152", "resnet"]
