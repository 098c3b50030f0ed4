"""He et al.'s ImageNet ResNets: ResNet-18/34 (basic blocks) and ResNet-50/101/152 (bottleneck blocks).

The layout and the parameter counts are torchvision's ("ResNet v1.5": a bottleneck block downsamples with its
3x3 convolution, not its first 1x1 as in the paper's Caffe model), so ResNet-50 has 25,557,032 trainable
parameters as torchvision reports. `count_params()` follows Keras and also counts each BatchNormalization's
moving mean and variance (non-trainable), which torch keeps as buffers, not parameters: the torchvision
numbers are the trainable counts, `sum(p.value.size for p in model.trainable_weights)`.

Strided convolutions pad explicitly, as torch does (ZeroPadding2D(k // 2) then a "valid" convolution), rather
than with Keras's "same" padding, which on an even input puts the extra row after instead of splitting it:
the layers then compute exactly what torchvision's do, and its weights can be mapped onto them.
"""

import layerwise
from layerwise import layers
from layerwise.applications._imagenet import check_arguments, conv_bn, scaled, top, with_weights
from layerwise.applications.residual import residual_block

#: depth: (block kind, blocks per stage conv2 .. conv5), He et al. 2016, table 1.
RESNET_DEPTHS = {18: ("basic", (2, 2, 2, 2)), 34: ("basic", (3, 4, 6, 3)), 50: ("bottleneck", (3, 4, 6, 3)),
                 101: ("bottleneck", (3, 4, 23, 3)), 152: ("bottleneck", (3, 8, 36, 3))}

#: A bottleneck block's output has 4 times the filters of its 3x3 convolution.
BOTTLENECK_EXPANSION = 4

_STAGE_FILTERS = (64, 128, 256, 512)


def _projection(filters, strides, name):
    """h(x) = BN(conv1x1 / s(x)), the shortcut where the block changes the shape (He et al.'s option B)."""
    return lambda t: conv_bn(t, filters, 1, strides, f"{name}_0")


def basic_block(x, filters, strides=1, name="block"):
    """relu(BN(conv3x3(relu(BN(conv3x3 / s(x))))) + h(x)); h = x, or a projection where the shape changes.

    Args:
        x: the block's symbolic input, (batch, height, width, channels).
        filters: the filters of both 3x3 convolutions, and of the output.
        strides: the first convolution's stride (2 where a stage halves the resolution).
        name: the prefix of the block's layer names (``{name}_1_conv``, ``{name}_0_bn`` for the shortcut ...).

    Returns:
        The symbolic output, (batch, ceil(height / s), ceil(width / s), filters).
    """
    def residual(t):
        t = conv_bn(t, filters, 3, strides, f"{name}_1", "relu")
        return conv_bn(t, filters, 3, 1, f"{name}_2")
    # residual_block projects exactly where F changes the shape, as torchvision's downsample does.
    return residual_block(x, residual, _projection(filters, strides, name))


def bottleneck_block(x, filters, strides=1, name="block"):
    """relu(BN(conv1x1(relu(BN(conv3x3 / s(relu(BN(conv1x1(x))))))) + h(x)), with 4 * filters outputs.

    The 1x1 convolutions reduce the channels to ``filters`` and restore them to 4 * filters, so the 3x3
    convolution works on the narrow representation; it carries the stride (torchvision's v1.5 layout).

    Args:
        x: the block's symbolic input, (batch, height, width, channels).
        filters: the width of the bottleneck (the 1x1 reduction and the 3x3 convolution).
        strides: the 3x3 convolution's stride (2 where a stage halves the resolution).
        name: the prefix of the block's layer names.

    Returns:
        The symbolic output, (batch, ceil(height / s), ceil(width / s), 4 * filters).
    """
    def residual(t):
        t = conv_bn(t, filters, 1, 1, f"{name}_1", "relu")
        t = conv_bn(t, filters, 3, strides, f"{name}_2", "relu")
        return conv_bn(t, BOTTLENECK_EXPANSION * filters, 1, 1, f"{name}_3")
    return residual_block(x, residual, _projection(BOTTLENECK_EXPANSION * filters, strides, name))


_BLOCKS = {"basic": basic_block, "bottleneck": bottleneck_block}


def _stage(input_shape, kind, filters, blocks, strides, name):
    """One stage (conv2 .. conv5) as a sub-model: ``blocks`` blocks, the first one with ``strides``."""
    inputs = layerwise.Input(shape=input_shape)
    x = inputs
    for index in range(blocks):
        x = _BLOCKS[kind](x, filters, strides if index == 0 else 1, name=f"{name}_block{index + 1}")
    return layerwise.Model(inputs, x, name=name)


def _stem(input_shape, filters):
    """conv1: conv7x7/2 -> BN -> relu, then the 3x3/2 max pool (in torchvision's stem; the paper's conv2_x).

    The pool pads with zeros where torch pads with -inf: after the ReLU every input is >= 0, so both agree.
    """
    inputs = layerwise.Input(shape=input_shape)
    x = conv_bn(inputs, filters, 7, 2, "conv1", "relu")
    x = layers.ZeroPadding2D(1, name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    return layerwise.Model(inputs, x, name="conv1")


def resnet(depth, include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
           classifier_activation="softmax", width_multiplier=1.0, name=None):
    """The ImageNet ResNet of the given depth; see `ResNet50` for the architecture and the arguments.

    Args:
        depth: one of `RESNET_DEPTHS` (18, 34, 50, 101, 152).

    Example:
        >>> model = resnet(18, input_shape=(32, 32, 3), classes=10, width_multiplier=0.125)
        >>> model.name, model.output.shape
        ('resnet18', (None, 10))
    """
    if depth not in RESNET_DEPTHS:
        raise ValueError(f"resnet: depth must be one of {tuple(RESNET_DEPTHS)}, received {depth!r}")
    name = name or f"resnet{depth}"
    check_arguments(name, weights, pooling, classes, width_multiplier)
    kind, blocks_per_stage = RESNET_DEPTHS[depth]
    widths = [scaled(filters, width_multiplier) for filters in (64, *_STAGE_FILTERS)]

    inputs = layerwise.Input(shape=tuple(input_shape or (224, 224, 3)))
    x = _stem(tuple(inputs.shape[1:]), widths[0])(inputs)
    for stage, (filters, blocks) in enumerate(zip(widths[1:], blocks_per_stage)):
        x = _stage(tuple(x.shape[1:]), kind, filters, blocks, 1 if stage == 0 else 2, f"conv{stage + 2}")(x)
    outputs = top(x, include_top, pooling, classes, classifier_activation)
    return with_weights(layerwise.Model(inputs, outputs, name=name), weights)


def ResNet50(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
             classifier_activation="softmax", width_multiplier=1.0, name="resnet50"):
    """ResNet-50: the ImageNet stem, 4 stages of (3, 4, 6, 3) bottleneck blocks, global average, Dense.

    conv1 is conv7x7/2 (64) -> BN -> relu -> maxpool3x3/2; stages conv2 .. conv5 have 64, 128, 256, 512 base
    filters (bottleneck blocks output 4 times as many) at strides 1, 2, 2, 2, so a 224x224 input gives
    56x56, 28x28, 14x14 and 7x7 feature maps (He et al.'s table 1). Each block is
    relu(F(x) + h(x)) with h(x) = x, or a 1x1 convolution + BN where F changes the shape. The model is made
    of the sub-models ``conv1`` (the stem) and ``conv2`` .. ``conv5`` (the stages), whose layers are named as
    Keras names them (``conv3_block1_2_conv``, ``conv3_block1_0_bn`` for the projection ...), so
    ``layerwise.Model(model.input, model.get_layer("conv4").get_output_at(0))`` is a feature extractor sharing
    the weights (``.output`` of a stage is the output of its own inner graph) and
    ``summary(expand_nested=True)`` lists every layer.

    ResNet18/34/101/152 differ only in the blocks (basic blocks of two 3x3 convolutions for 18 and 34) and
    their numbers per stage (`RESNET_DEPTHS`).

    Args:
        include_top: end with the global average pool and the ``classes``-way Dense layer.
        weights: None (random initialization), or the path of a layerwise model or weights file, or of
            torchvision's state dict for this network (``.pth``, or safetensors with torchvision's keys; see
            `layerwise.applications.torchvision_weights`).
        input_shape: (height, width, channels), default (224, 224, 3). Small inputs work unchanged: at
            32x32 the stem leaves 8x8 maps to conv2 and conv5 sees 1x1 (pair with ``width_multiplier`` to
            shrink the network for CPU training).
        pooling: without the top, None (the 4D conv5 output), "avg" or "max" (global pooling to 2D).
        classes: the number of outputs of the top.
        classifier_activation: the top's activation (None for logits).
        width_multiplier: scales every convolution's filters (1.0 is the paper's network; e.g. 0.25 for a
            quarter-width network on CIFAR-sized inputs).
        name: the model's name.

    Returns:
        A `layerwise.Model`.

    Example:
        >>> model = ResNet50(input_shape=(32, 32, 3), classes=10, width_multiplier=0.125)
        >>> model.get_layer("conv5").output.shape
        (None, 1, 1, 256)

    References:
        He et al., "Deep Residual Learning for Image Recognition", CVPR 2016 (section 3.3, table 1);
        torchvision's resnet.py for the v1.5 stride placement; lectures 000 and 001 (ResNet-152 and the
        identity shortcut).
    """
    return resnet(50, include_top, weights, input_shape, pooling, classes, classifier_activation,
                  width_multiplier, name)


def _builder(depth):
    def builder(include_top=True, weights=None, input_shape=None, pooling=None, classes=1000,
                classifier_activation="softmax", width_multiplier=1.0, name=f"resnet{depth}"):
        return resnet(depth, include_top, weights, input_shape, pooling, classes, classifier_activation,
                      width_multiplier, name)
    kind, blocks = RESNET_DEPTHS[depth]
    builder.__name__ = builder.__qualname__ = f"ResNet{depth}"
    # conv5's output has 512 base filters, times 4 for bottleneck blocks; x 0.125 in the example.
    conv5 = 64 * (BOTTLENECK_EXPANSION if kind == "bottleneck" else 1)
    builder.__doc__ = (f"ResNet-{depth}: the ImageNet stem, 4 stages of {blocks} {kind} blocks, global average, "
                       f"Dense; the arguments and the layout are `ResNet50`'s.\n\n"
                       f"Example:\n"
                       f"    >>> model = ResNet{depth}(input_shape=(32, 32, 3), classes=10, width_multiplier=0.125)\n"
                       f"    >>> model.name, model.output.shape\n"
                       f"    ('resnet{depth}', (None, 10))\n"
                       f"    >>> model.get_layer(\"conv5\").output.shape\n"
                       f"    (None, 1, 1, {conv5})\n")
    return builder


ResNet18, ResNet34, ResNet101, ResNet152 = (_builder(depth) for depth in (18, 34, 101, 152))
