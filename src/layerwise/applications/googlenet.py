"""Szegedy et al.'s GoogLeNet (Inception v1), with its two auxiliary classifiers as optional extra outputs.

The layout and the parameter count are torchvision's (6,624,904 trainable parameters without the auxiliary
classifiers, 1000 classes): every convolution is conv (no bias) -> BN (epsilon 1e-3) -> ReLU, where the paper
(2014, before batch normalization) had biased convolutions; and the "5x5" branch of each Inception module
convolves with a 3x3 kernel, a slip in the Caffe-to-torch port that torchvision keeps so that its pretrained
weights stay loadable (pytorch/vision#906). Both are kept, so torchvision's weights map onto these layers.
"""

import layerwise
from layerwise import layers
from layerwise.applications._imagenet import (adaptive_average_pooling, check_arguments, conv_bn, scaled, top,
                                              with_weights)

#: Per Inception module, the filters of: the 1x1 branch; the 3x3 branch's 1x1 reduction and 3x3 convolution;
#: the "5x5" branch's reduction and convolution; the pool branch's 1x1 projection (the paper's table 1).
INCEPTION_FILTERS = {
    "3a": (64, 96, 128, 16, 32, 32), "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64), "4b": (160, 112, 224, 24, 64, 64), "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64), "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128), "5b": (384, 192, 384, 48, 128, 128),
}
#: torchvision's BasicConv2d normalizes with epsilon 1e-3 (Keras's default), not torch's 1e-5.
EPSILON = 1e-3


def _basic_conv(x, filters, kernel_size, name, strides=1):
    return conv_bn(x, filters, kernel_size, strides, name, "relu", EPSILON)


def inception_module(input_shape, filters, name):
    """One Inception module as a sub-model: four branches concatenated along the channels.

    y = [c1(x), c3(r3(x)), c5(r5(x)), p(maxpool3x3/1(x))], where c1, r3, r5 and p are 1x1 convolutions and
    c3, c5 are 3x3 ones (the paper's c5 is 5x5: see the module docstring), each followed by BN and ReLU. The
    1x1 reductions keep the 3x3 convolutions cheap; the spatial size is unchanged.

    Args:
        input_shape: (height, width, channels) of the module's input.
        filters: the six filter counts of `INCEPTION_FILTERS` (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool proj).
        name: the module's name, e.g. "inception3a"; its layers are "inception3a_branch1_conv" ...

    Returns:
        A `layerwise.Model`: (batch, H, W, C) -> (batch, H, W, filters[0] + filters[2] + filters[4] + filters[5]).

    Example:
        >>> inception_module((28, 28, 192), INCEPTION_FILTERS["3a"], "inception3a").output.shape
        (None, 28, 28, 256)
    """
    branch1, reduce3, branch3, reduce5, branch5, projection = filters
    inputs = layerwise.Input(shape=input_shape)
    first = _basic_conv(inputs, branch1, 1, f"{name}_branch1")
    second = _basic_conv(_basic_conv(inputs, reduce3, 1, f"{name}_branch2_reduce"), branch3, 3, f"{name}_branch2")
    third = _basic_conv(_basic_conv(inputs, reduce5, 1, f"{name}_branch3_reduce"), branch5, 3, f"{name}_branch3")
    pooled = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_branch4_pool")(inputs)
    fourth = _basic_conv(pooled, projection, 1, f"{name}_branch4")
    outputs = layers.Concatenate(name=f"{name}_concat")([first, second, third, fourth])
    return layerwise.Model(inputs, outputs, name=name)


def _auxiliary(input_shape, classes, classifier_activation, width_multiplier, name):
    """An auxiliary classifier: 4x4 average pool -> 1x1 conv (128) -> fc (1024, ReLU) -> dropout 0.7 -> fc.

    At 14x14 the pool is the paper's 5x5 average of stride 3; other sizes pool adaptively to 4x4 where our
    pooling layers can (torchvision's AdaptiveAvgPool2d((4, 4)) has the same output shape).
    """
    inputs = layerwise.Input(shape=input_shape)
    if tuple(input_shape[:2]) == (14, 14):
        x = layers.AveragePooling2D(5, strides=3, name=f"{name}_pool")(inputs)
    else:
        x = adaptive_average_pooling(inputs, 4, name=f"{name}_pool")
    x = _basic_conv(x, scaled(128, width_multiplier), 1, f"{name}_conv")
    x = layers.Flatten(name=f"{name}_flatten")(x)
    x = layers.Dense(scaled(1024, width_multiplier), activation="relu", name=f"{name}_fc1")(x)
    x = layers.Dropout(0.7, name=f"{name}_dropout")(x)
    outputs = layers.Dense(classes, activation=classifier_activation, name=f"{name}_fc2")(x)
    return layerwise.Model(inputs, outputs, name=name)


def GoogLeNet(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
              classifier_activation="softmax", aux_classifiers=False, width_multiplier=1.0, name="googlenet"):
    """GoogLeNet: a convolutional stem, nine Inception modules in three groups, global average, dropout, Dense.

    conv1 (7x7/2, 64) -> max pool 3x3/2 -> conv2 (1x1, 64) -> conv3 (3x3, 192) -> max pool -> inception 3a, 3b
    -> max pool -> 4a .. 4e -> max pool 2x2/2 -> 5a, 5b -> global average -> dropout 0.2 -> predictions. At
    224x224 the groups see 28x28, 14x14 and 7x7 maps and output 480, 832 and 1024 channels (the paper's
    table 1). The max pools use "same" padding, which on the even sizes of a 224x224 input takes the windows of
    torch's ``ceil_mode=True``.

    With ``aux_classifiers`` (and the top), the auxiliary classifiers on the outputs of 4a and 4d are extra
    outputs: the model returns [predictions, aux1, aux2]; the paper weights the auxiliary losses by 0.3,
    ``compile(loss=..., loss_weights=[1, 0.3, 0.3])``. For inference use the first output, or build without
    them.

    Args:
        include_top: end with the global average pool, the dropout and the ``classes``-way Dense layer.
        weights: None (random initialization), or the path of a layerwise model or weights file, or of
            torchvision's state dict for this network (``.pth``, or safetensors with torchvision's keys; see
            `layerwise.applications.torchvision_weights`).
        input_shape: (height, width, channels), default (224, 224, 3); 28x28 and 32x32 inputs build (the
            last group then sees 1x1 maps); pair with ``width_multiplier`` to shrink it for CPU training.
        pooling: without the top, None (the 4D output of 5b), "avg" or "max".
        classes: the number of outputs of the top (and of the auxiliary classifiers).
        classifier_activation: the activation of every classifier (None for logits).
        aux_classifiers: add the two auxiliary classifiers as extra outputs (needs the top).
        width_multiplier: scales every convolution's filters and the auxiliary classifiers' units.
        name: the model's name.

    Returns:
        A `layerwise.Model` of the stem's layers, the sub-models "inception3a" .. "inception5b" and, with
        ``aux_classifiers``, "aux1" and "aux2".

    Example:
        >>> model = GoogLeNet(input_shape=(32, 32, 3), classes=10, width_multiplier=0.25)
        >>> model.get_layer("inception5b").output.shape
        (None, 1, 1, 256)

    References:
        Szegedy et al., "Going Deeper with Convolutions", CVPR 2015 (table 1, figure 2b); torchvision's
        googlenet.py for the layout and count; lectures 003 and 004.
    """
    check_arguments(name, weights, pooling, classes, width_multiplier)
    if aux_classifiers and not include_top:
        raise ValueError(f"{name}: aux_classifiers needs include_top=True")
    inputs = layerwise.Input(shape=tuple(input_shape or (224, 224, 3)))
    x = _basic_conv(inputs, scaled(64, width_multiplier), 7, "conv1", strides=2)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="maxpool1")(x)
    x = _basic_conv(x, scaled(64, width_multiplier), 1, "conv2")
    x = _basic_conv(x, scaled(192, width_multiplier), 3, "conv3")
    auxiliary = []
    for module, filters in INCEPTION_FILTERS.items():
        if module in ("3a", "4a", "5a"):
            pool = 2 if module == "5a" else 3
            x = layers.MaxPooling2D(pool, strides=2, padding="same", name=f"maxpool{int(module[0]) - 1}")(x)
        x = inception_module(tuple(x.shape[1:]), [scaled(count, width_multiplier) for count in filters],
                             f"inception{module}")(x)
        if aux_classifiers and module in ("4a", "4d"):
            auxiliary.append(_auxiliary(tuple(x.shape[1:]), classes, classifier_activation, width_multiplier,
                                        f"aux{len(auxiliary) + 1}")(x))
    outputs = top(x, include_top, pooling, classes, classifier_activation, dropout=0.2)
    return with_weights(layerwise.Model(inputs, [outputs, *auxiliary] if auxiliary else outputs, name=name), weights)
