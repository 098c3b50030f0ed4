"""What the ImageNet-style builders share: Keras's argument checks, torch-padded conv + BN, torchvision's adaptive
pool, the top."""

import os

import layerwise
from layerwise import layers
from layerwise.utils._arguments import check_integer

#: Keras's `pooling` choices when include_top=False.
POOLINGS = (None, "avg", "max")


def check_arguments(builder, weights, pooling, classes, width_multiplier=1.0):
    """Fail early, naming the builder, on the arguments every builder takes."""
    if weights == "imagenet":
        raise ValueError(f"{builder}: weights='imagenet' downloads Keras's weights, which layerwise does not; give the "
                         "path of a weights file (torchvision's .pth state dict of this network works)")
    if weights is not None and not isinstance(weights, (str, os.PathLike)):
        raise ValueError(f"{builder}: weights must be None (random initialization) or the path of a weights file, "
                         f"received {weights!r}")
    if pooling not in POOLINGS:
        raise ValueError(f"{builder}: pooling must be one of {POOLINGS}, received {pooling!r}")
    check_integer(classes, "classes", builder)
    if not width_multiplier > 0:
        raise ValueError(f"{builder}: width_multiplier must be > 0, received {width_multiplier!r}")


def with_weights(model, weights):
    """``model``, with the weights of the file ``weights`` when one is given.

    The file is a layerwise model or weights file (`layerwise.Model.load_weights`: the names are the model's),
    or torchvision's state dict of the same network (`load_torchvision_weights`): a ``.pth``/``.pt`` file, or a
    safetensors file with torchvision's key names (``layer1.0.conv1.weight``, not ``conv2_block1_1_conv/kernel``).
    """
    if weights is None:
        return model
    from layerwise.applications.torchvision_weights import assign_torchvision_weights, load_torchvision_weights
    from layerwise.saving import archive, safetensors
    from layerwise.saving.model_file import assign_weights

    path = os.fspath(weights)
    if path.endswith((".pth", ".pt")):
        load_torchvision_weights(model, path)
        return model
    with open(path, "rb") as file:
        head = file.read(len(archive.MAGIC))
    if head == archive.MAGIC:
        model.load_weights(path)
        return model
    tensors = safetensors.load_file(path)
    if any("/" in name for name in tensors):
        assign_weights(model, tensors, path)
    else:
        assign_torchvision_weights(model, tensors, path)
    return model


def padded_to(x, size):
    """``x`` zero-padded (evenly, the odd pixel after) to at least ``size`` x ``size``, by a layer named "pad"
    when it is smaller: how the builders take Fashion-MNIST's 28x28 images."""
    missing = [max(size - side, 0) for side in x.shape[1:3]]
    if any(missing):
        x = layers.ZeroPadding2D([(m // 2, m - m // 2) for m in missing], name="pad")(x)
    return x


def scaled(units, width_multiplier):
    """The number of filters or units of a layer of `units` in the paper, times the width multiplier."""
    return max(1, round(units * width_multiplier))


def adaptive_average_pooling(x, size, name):
    """torchvision's AdaptiveAvgPool2d((size, size)) where it reduces to one of our pooling layers.

    Output cell i averages input rows floor(i H / size) .. ceil((i + 1) H / size) - 1. Where size divides H
    those are disjoint H/size-row windows (an average pool); where H divides size each cell reads the single
    row floor(i H / size) (nearest up-sampling, as torchvision does with 32x32 inputs); where they are equal it
    is the identity, the case of the 224x224 input the classifier was designed for.
    """
    height, width = x.shape[1:3]
    if (height, width) == (size, size):
        return x
    if height % size == 0 and width % size == 0:
        return layers.AveragePooling2D((height // size, width // size), name=name)(x)
    if size % height == 0 and size % width == 0:
        return layers.UpSampling2D((size // height, size // width), name=name)(x)
    raise ValueError(f"{name}: the {height}x{width} feature map cannot be pooled adaptively to {size}x{size} "
                     "with average pooling or up-sampling; choose an input whose feature map size divides, or is "
                     f"a multiple of, {size}")


def conv_bn(x, filters, kernel_size, strides, name, activation=None, epsilon=1e-5):
    """conv(k x k / s, no bias) -> BN [-> activation], padded by k // 2 on every side as torch pads.

    The bias is left out: the BatchNormalization after it subtracts the mean and adds its own beta. BN uses
    torch's momentum 0.1 (Keras's momentum=0.9) and, by default, torchvision's ResNet epsilon 1e-5, so both
    train the same way.
    """
    if strides > 1 and kernel_size > 1:
        x = layers.ZeroPadding2D(kernel_size // 2, name=f"{name}_pad")(x)
    padding = "valid" if strides > 1 or kernel_size == 1 else "same"
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=False,
                      kernel_initializer="he_normal", name=f"{name}_conv")(x)
    x = layers.BatchNormalization(momentum=0.9, epsilon=epsilon, name=f"{name}_bn")(x)
    return layers.Activation(activation, name=f"{name}_{activation}")(x) if activation else x


def top(x, include_top, pooling, classes, classifier_activation, hidden_layers=None, dropout=0.0):
    """With ``include_top``: Flatten -> the `hidden_layers` block -> predictions, or, without hidden layers
    (the ResNets, GoogLeNet), global average pooling [-> dropout] -> predictions. Without it: the features,
    globally pooled if asked."""
    if include_top:
        if hidden_layers:
            x = layers.Flatten(name="flatten")(x)
            x = layerwise.Sequential(hidden_layers, name="classifier")(x)
        else:
            x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
            if dropout:
                x = layers.Dropout(dropout, name="dropout")(x)
        outputs = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        outputs = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        outputs = layers.GlobalMaxPooling2D(name="max_pool")(x)
    else:
        outputs = x
    return outputs
