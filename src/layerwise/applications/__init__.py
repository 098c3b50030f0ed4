"""Ready-made architectures, as `keras.applications`: the networks the lectures show (LeNet-5, AlexNet, VGG,
GoogLeNet, the ImageNet and CIFAR ResNets) and their plain counterparts."""

from layerwise.applications.alexnet import AlexNet
from layerwise.applications.googlenet import GoogLeNet, inception_module
from layerwise.applications.lenet import LeNet5
from layerwise.applications.residual import SHORTCUTS, residual_block
from layerwise.applications.residual_mlp import residual_mlp
from layerwise.applications.resnet import ResNet18, ResNet34, ResNet50, ResNet101, ResNet152, resnet
from layerwise.applications.resnet_cifar import CIFAR_DEPTHS, resnet_cifar
from layerwise.applications.vgg import VGG11, VGG13, VGG16, VGG19, vgg, vgg_block

__all__ = ["CIFAR_DEPTHS", "SHORTCUTS", "AlexNet", "GoogLeNet", "LeNet5", "ResNet18", "ResNet34", "ResNet50",
           "ResNet101", "ResNet152", "VGG11", "VGG13", "VGG16", "VGG19", "inception_module", "residual_block",
           "residual_mlp", "resnet", "resnet_cifar", "vgg", "vgg_block"]
