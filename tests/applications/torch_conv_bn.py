"""The torch twin of a Keras-style Conv2D (bias-free) + BatchNormalization pair, and BN statistics away from
their initial values, shared by the block parity tests of the residual and Inception networks."""

import torch

from layerwise import layers


def randomize_batch_normalization(model, rng):
    """Move every BatchNormalization of ``model`` away from gamma = 1, beta = 0, mean 0, variance 1, so a
    parity test sees each of them act. The random beta keeps a ReLU after a normalized layer off its kink."""
    for layer in model.flatten_layers():
        if isinstance(layer, layers.BatchNormalization):
            channels = layer.gamma.shape
            layer.gamma.assign(rng.uniform(0.5, 1.5, channels))
            layer.beta.assign(rng.normal(size=channels))
            layer.moving_mean.assign(rng.normal(size=channels))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, channels))


def torch_conv_bn(conv, norm, pads=(0, 0)):
    """ZeroPad2d-Conv2d-BatchNorm2d holding the weights and moving statistics of ``conv`` and ``norm``.

    Args:
        conv, norm: the layerwise Conv2D (no bias) and the BatchNormalization after it.
        pads: zeros (before, after) each spatial axis, what the layerwise side pads ('same' or explicit).

    Keras's kernel (kh, kw, C, F) is torch's weight (F, C, kh, kw); Keras's momentum m is torch's 1 - m.
    """
    kernel = conv.kernel.value
    torch_conv = torch.nn.Conv2d(kernel.shape[2], kernel.shape[3], conv.kernel_size, conv.strides, bias=False,
                                 dtype=torch.float64)
    torch_norm = torch.nn.BatchNorm2d(kernel.shape[3], eps=norm.epsilon, momentum=1.0 - norm.momentum,
                                      dtype=torch.float64)
    with torch.no_grad():
        torch_conv.weight.copy_(torch.from_numpy(kernel.transpose(3, 2, 0, 1)))
        for name, weight in (("weight", norm.gamma), ("bias", norm.beta), ("running_mean", norm.moving_mean),
                             ("running_var", norm.moving_variance)):
            getattr(torch_norm, name).copy_(torch.from_numpy(weight.value))
    before, after = pads
    return torch.nn.Sequential(torch.nn.ZeroPad2d((before, after, before, after)), torch_conv, torch_norm)
