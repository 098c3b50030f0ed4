"""Activation layers with learnable or fixed arguments."""

from layerwise.layers.activations.elu import ELU
from layerwise.layers.activations.leaky_relu import LeakyReLU
from layerwise.layers.activations.prelu import PReLU
from layerwise.layers.activations.relu import ReLU
from layerwise.layers.activations.softmax import Softmax

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
