"""He et al.'s CIFAR ResNet-(6n+2) and its plain counterpart (lecture 000's 20 vs 56 layers)."""

import layerwise
from layerwise import layers
from layerwise.applications.residual import _keras_layer, check_shortcut, residual_block

#: The depths He et al. report on CIFAR-10.
CIFAR_DEPTHS = (20, 32, 44, 56, 110)


def resnet_cifar(depth, shortcut="identity", plain=False, input_shape=(32, 32, 3), classes=10,
                 shortcut_scale=0.5, shortcut_dropout=0.5, filters=(16, 32, 64), name=None):
    """conv3x3(16) -> 3 stages of n blocks (16, 32, 64 filters; strides 1, 2, 2) -> global average -> softmax.

    Depth = 6n + 2 weighted layers: the first convolution, 2 convolutions per block, the classifier. Each
    block is act(BN(conv(act(BN(conv(x))))) + h(x)) with 3x3 convolutions (He initialization, no bias before
    BN); where a stage halves the resolution and doubles the filters, h is a strided 1x1 convolution + BN
    (He et al.'s option B) whatever the shortcut variant. BN's moving statistics follow He et al.'s Torch
    momentum 0.1 (Keras's momentum=0.9) rather than Keras's default 0.99, whose ~100-step average lags far
    behind the weights in the short runs a CPU allows.

    Args:
        depth: 6n + 2, e.g. 20, 32, 44, 56, 110.
        shortcut: "identity", "scaling", "projection" or "dropout" (lecture 001's ResNet-110 study;
            see `residual_block`).
        plain: build the plain network, the same layers without shortcuts.
        input_shape: (height, width, channels), e.g. (32, 32, 3) for CIFAR-10, (28, 28, 1) for MNIST.
        classes: number of softmax outputs.
        shortcut_scale: lambda of the "scaling" shortcut.
        shortcut_dropout: rate of the "dropout" shortcut.
        filters: the filters of the three stages (the first convolution has the first stage's); narrower
            stages, e.g. (8, 16, 32), train the same depths four times faster.
        name: the model's name (default "resnet20", "plain20" ...).

    Returns:
        A `layerwise.Model`.

    Example:
        ResNet-20 (n = 3) has 6 * 3 + 2 = 20 weighted layers, plus the two projection shortcuts where the
        stages change the shape; its plain counterpart has exactly 20:

        >>> model = resnet_cifar(20, filters=(8, 16, 32))
        >>> model.name, model.output.shape
        ('resnet20', (None, 10))
        >>> sum(type(layer).__name__ in ("Conv2D", "Dense") for layer in model.layers)
        22
        >>> plain = resnet_cifar(20, plain=True, filters=(8, 16, 32))
        >>> plain.name, sum(type(layer).__name__ in ("Conv2D", "Dense") for layer in plain.layers)
        ('plain20', 20)

    References:
        He et al., "Deep Residual Learning for Image Recognition", CVPR 2016 (section 4.2); He et al.,
        "Identity Mappings in Deep Residual Networks", ECCV 2016 (shortcut study); lectures 000 and 001.
    """
    if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise ValueError(f"resnet_cifar: depth must be 6n + 2 with n >= 1 (20, 32, 44, 56, 110), received {depth!r}")
    check_shortcut(shortcut)
    if len(filters) != 3 or not all(isinstance(count, int) and count >= 1 for count in filters):
        raise ValueError(f"resnet_cifar: filters must be 3 positive integers, one per stage, received {filters!r}")
    conv_layer = _keras_layer("Conv2D")

    def conv(x, filters, kernel_size=3, strides=1):
        x = conv_layer(filters, kernel_size, strides=strides, padding="same", use_bias=False,
                       kernel_initializer="he_normal")(x)
        return layers.BatchNormalization(momentum=0.9)(x)

    inputs = layerwise.Input(shape=input_shape)
    x = layers.Activation("relu")(conv(inputs, filters[0]))
    for stage, count in enumerate(filters):
        for block in range(depth // 6):
            strides = 2 if stage > 0 and block == 0 else 1
            x = residual_block(
                x, lambda t: conv(layers.Activation("relu")(conv(t, count, strides=strides)), count),
                lambda t: conv(t, count, kernel_size=1, strides=strides), shortcut, plain, shortcut_scale,
                shortcut_dropout)
    x = _keras_layer("GlobalAveragePooling2D")()(x)
    outputs = layers.Dense(classes, activation="softmax")(x)
    return layerwise.Model(inputs, outputs, name=name or f"{'plain' if plain else 'resnet'}{depth}")
