"""What the ImageNet-style builders share: Keras's argument checks, torchvision's adaptive pool, the top."""

import layerwise
from layerwise import layers
from layerwise.utils._arguments import check_integer

#: Keras's `pooling` choices when include_top=False.
POOLINGS = (None, "avg", "max")


def check_arguments(builder, weights, pooling, classes, width_multiplier=1.0):
    """Fail early, naming the builder, on the arguments every builder takes."""
    if weights is not None:
        raise ValueError(f"{builder}: only weights=None (random initialization) is supported, received {weights!r}")
    if pooling not in POOLINGS:
        raise ValueError(f"{builder}: pooling must be one of {POOLINGS}, received {pooling!r}")
    check_integer(classes, "classes", builder)
    if not width_multiplier > 0:
        raise ValueError(f"{builder}: width_multiplier must be > 0, received {width_multiplier!r}")


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


def top(x, include_top, pooling, classes, classifier_activation, hidden_layers=None):
    """With ``include_top``: Flatten -> the `hidden_layers` block -> predictions, or, without hidden layers
    (the ResNets), global average pooling -> predictions. Without it: the features, globally pooled if asked."""
    if include_top:
        if hidden_layers:
            x = layers.Flatten(name="flatten")(x)
            x = layerwise.Sequential(hidden_layers, name="classifier")(x)
        else:
            x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        outputs = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
    elif pooling == "avg":
        outputs = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    elif pooling == "max":
        outputs = layers.GlobalMaxPooling2D(name="max_pool")(x)
    else:
        outputs = x
    return outputs
