"""Simonyan & Zisserman's VGG-11/13/16/19 (configurations A, B, D, E), with or without batch normalization.

Lecture 001 quotes VGG-19 and He et al.'s 22- vs 30-layer VGG-like nets, whose training with Xavier
initialization stalls while the ReLU-aware (He) initialization trains: the builders use He initialization.
"""

import layerwise
from layerwise import layers
from layerwise.applications._imagenet import (adaptive_average_pooling, check_arguments, padded_to, scaled, top,
                                              with_weights)

#: Convolutions per stage of each configuration (the paper's table 1); the stages have 64, 128, 256, 512 and
#: 512 filters, each ends in a 2x2 max pool of stride 2.
VGG_CONFIGS = {11: (1, 1, 2, 2, 2), 13: (2, 2, 2, 2, 2), 16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}
VGG_FILTERS = (64, 128, 256, 512, 512)


def vgg_block(filters, convolutions, name, batch_norm=False):
    """One VGG stage: `convolutions` x (3x3 'same' convolution [-> BN] -> ReLU), then a 2x2/2 max pool.

    The convolutions keep their bias with batch normalization, as torchvision's ``vgg*_bn`` do (so its
    parameter counts and state dicts match); BN uses torch's epsilon 1e-5.

    Args:
        filters: filters of every convolution in the stage.
        convolutions: how many convolutions.
        name: the block's name, e.g. "block1"; its layers are "block1_conv1", "block1_bn1", "block1_pool" ...
        batch_norm: a BatchNormalization after each convolution.

    Returns:
        A `layerwise.Sequential`: (batch, H, W, C) -> (batch, H // 2, W // 2, filters).

    Example:
        >>> [layer.name for layer in vgg_block(64, 2, "block1").layers]
        ['block1_conv1', 'block1_relu1', 'block1_conv2', 'block1_relu2', 'block1_pool']
    """
    stage = []
    for i in range(1, convolutions + 1):
        stage.append(layers.Conv2D(filters, 3, padding="same", kernel_initializer="he_normal", name=f"{name}_conv{i}"))
        if batch_norm:
            stage.append(layers.BatchNormalization(epsilon=1e-5, name=f"{name}_bn{i}"))
        stage.append(layers.Activation("relu", name=f"{name}_relu{i}"))
    stage.append(layers.MaxPooling2D(2, strides=2, name=f"{name}_pool"))
    return layerwise.Sequential(stage, name=name)


def vgg(depth, include_top=True, weights=None, input_shape=(224, 224, 3), pooling=None, classes=1000,
        classifier_activation="softmax", batch_norm=False, width_multiplier=1.0, name=None):
    """VGG-`depth`: 5 stages of 3x3 convolutions and max pools -> 7x7 adaptive average -> 4096 -> 4096 -> classes.

    At 224x224 the stages output 112x112x64, 56x56x128, 28x28x256, 14x14x512 and 7x7x512 (the paper's table
    1); the classifier is Flatten -> fc1 (4096, ReLU) -> dropout 0.5 -> fc2 (4096, ReLU) -> dropout 0.5 ->
    predictions, as in torchvision, whose parameter counts these models have (VGG-11 132,863,336; VGG-13
    133,047,848; VGG-16 138,357,544; VGG-19 143,667,240 with 1000 classes).

    Small inputs: an input smaller than 32x32 (Fashion-MNIST's 28x28) is zero-padded to 32x32 by a "pad"
    layer. torchvision's AdaptiveAvgPool2d((7, 7)) brings the last stage's map to 7x7 before the classifier; a
    32x32 image leaves a 1x1 map there, which it copies to 7x7 (nearest up-sampling here, as in torchvision),
    so the classifier and its parameter count do not change.
    ``width_multiplier`` scales every convolution's filters and the 4096-unit layers (0.125 gives a VGG that
    trains in seconds on CIFAR-10).

    Args:
        depth: 11, 13, 16 or 19.
        include_top: the classifier on top; without it the model outputs the last stage's features.
        weights: None (random initialization), or the path of a layerwise model or weights file, or of
            torchvision's state dict for this network (``.pth``, or safetensors with torchvision's keys; see
            `layerwise.applications.torchvision_weights`).
        input_shape: (height, width, channels), channels-last.
        pooling: with include_top=False, None (the 4D features), "avg" or "max" (global pooling).
        classes: number of outputs of the classifier.
        classifier_activation: the activation of the predictions layer (None for logits).
        batch_norm: BatchNormalization after each convolution (torchvision's ``vgg*_bn``).
        width_multiplier: factor on the filters and the hidden units.
        name: the model's name (default "vgg16", "vgg16_bn" ...).

    Returns:
        A `layerwise.Model` of named blocks "block1" .. "block5" and "classifier" (fc1, fc2), then
        "predictions".

    Example:
        >>> model = vgg(16, input_shape=(32, 32, 3), classes=10, batch_norm=True, width_multiplier=0.125)
        >>> model.name, model.get_layer("block5").compute_output_shape((None, 2, 2, 64))
        ('vgg16_bn', (None, 1, 1, 64))

    References:
        Simonyan & Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015;
        He et al., "Delving Deep into Rectifiers", ICCV 2015 (the 22/30-layer VGG study); lecture 001.
    """
    builder = f"VGG{depth}"
    if depth not in VGG_CONFIGS:
        raise ValueError(f"vgg: depth must be one of {tuple(VGG_CONFIGS)}, received {depth!r}")
    check_arguments(builder, weights, pooling, classes, width_multiplier)
    inputs = layerwise.Input(shape=input_shape)
    x = padded_to(inputs, 32)  # five 2x2 poolings
    for stage, (filters, convolutions) in enumerate(zip(VGG_FILTERS, VGG_CONFIGS[depth]), start=1):
        x = vgg_block(scaled(filters, width_multiplier), convolutions, f"block{stage}", batch_norm)(x)
    if include_top:
        x = adaptive_average_pooling(x, 7, name="avgpool")
    hidden = scaled(4096, width_multiplier)
    x = top(x, include_top, pooling, classes, classifier_activation,
            [layers.Dense(hidden, activation="relu", name="fc1"), layers.Dropout(0.5, name="drop1"),
             layers.Dense(hidden, activation="relu", name="fc2"), layers.Dropout(0.5, name="drop2")])
    return with_weights(layerwise.Model(inputs, x, name=name or f"vgg{depth}{'_bn' if batch_norm else ''}"), weights)


def _vgg_builder(depth):
    def builder(include_top=True, weights=None, input_shape=(224, 224, 3), pooling=None, classes=1000,
                classifier_activation="softmax", batch_norm=False, width_multiplier=1.0, name=None):
        return vgg(depth, include_top, weights, input_shape, pooling, classes, classifier_activation, batch_norm,
                   width_multiplier, name)

    builder.__name__ = builder.__qualname__ = f"VGG{depth}"
    builder.__doc__ = (f"VGG-{depth} (configuration {'ABDE'[list(VGG_CONFIGS).index(depth)]}): see `vgg`.\n\n"
                       f"Example:\n"
                       f"    >>> model = VGG{depth}(input_shape=(32, 32, 3), classes=10, width_multiplier=0.125)\n"
                       f"    >>> model.name, model.output.shape\n"
                       f"    ('vgg{depth}', (None, 10))\n"
                       f"    >>> [sum(\"conv\" in layer.name for layer in model.get_layer(f\"block{{i}}\").layers)\n"
                       f"    ...  for i in range(1, 6)]  # convolutions per stage\n"
                       f"    {list(VGG_CONFIGS[depth])}\n")
    return builder


VGG11, VGG13, VGG16, VGG19 = (_vgg_builder(depth) for depth in VGG_CONFIGS)
