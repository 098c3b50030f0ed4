"""AlexNet as torchvision builds it: Krizhevsky's single-tower variant of the ImageNet 2012 network."""

import layerwise
from layerwise import layers
from layerwise.applications._imagenet import adaptive_average_pooling, check_arguments, scaled, top, with_weights

#: The stems: the paper's 11x11/4 convolution (padding 2) for ImageNet-sized inputs, or a 3x3/1 'same'
#: convolution for CIFAR-sized ones, where the 11x11/4 one and the three 3x3/2 pools would leave no pixel.
STEMS = ("imagenet", "cifar")


def _block(name, convolutions, pad=0):
    """[ZeroPadding2D(pad) ->] (Conv2D -> ReLU) per (filters, kernel_size, strides) -> 3x3/2 max pool."""
    stage = [layers.ZeroPadding2D(pad, name=f"{name}_pad")] if pad else []
    for i, (filters, kernel_size, strides) in enumerate(convolutions, start=1):
        stage += [layers.Conv2D(filters, kernel_size, strides=strides, padding="valid" if pad else "same",
                                kernel_initializer="he_normal", name=f"{name}_conv{i}"),
                  layers.Activation("relu", name=f"{name}_relu{i}")]
    stage.append(layers.MaxPooling2D(3, strides=2, name=f"{name}_pool"))
    return layerwise.Sequential(stage, name=name)


def AlexNet(include_top=True, weights=None, input_shape=(224, 224, 3), pooling=None, classes=1000,
            classifier_activation="softmax", stem="imagenet", width_multiplier=1.0, name="alexnet"):
    """conv 11x11/4 (64) -> pool -> conv 5x5 (192) -> pool -> conv 3x3 (384, 256, 256) -> pool -> 4096 -> 4096.

    The single-tower network of Krizhevsky's "one weird trick" paper, which torchvision builds: 64, 192, 384,
    256, 256 filters instead of the 2012 paper's two towers of 48, 128, 192, 192, 128 (and no local response
    normalization). At 224x224 the blocks output 27x27x64, 13x13x192 and 6x6x256; torchvision's
    AdaptiveAvgPool2d((6, 6)) is then the identity. The classifier is dropout 0.5 -> fc1 (4096, ReLU) ->
    dropout 0.5 -> fc2 (4096, ReLU) -> predictions: 61,100,840 parameters with 1000 classes, as torchvision's.

    Small inputs: the imagenet stem needs at least 63x63 pixels. ``stem="cifar"`` replaces the 11x11/4
    convolution (padding 2) by a 3x3/1 'same' one with the same 64 filters: a 32x32 image then gives 15x15,
    7x7 and 3x3 maps, and the adaptive pool copies the 3x3 map to 6x6 (as torchvision's would), so the
    classifier is unchanged. ``width_multiplier`` scales every layer's filters and the 4096-unit layers.

    Args:
        include_top: the classifier on top; without it the model outputs the last block's features.
        weights: None (random initialization), or the path of a layerwise model or weights file, or of
            torchvision's state dict for this network (``.pth``, or safetensors with torchvision's keys; see
            `layerwise.applications.torchvision_weights`).
        input_shape: (height, width, channels), channels-last.
        pooling: with include_top=False, None (the 4D features), "avg" or "max" (global pooling).
        classes: number of outputs of the classifier.
        classifier_activation: the activation of the predictions layer (None for logits).
        stem: "imagenet" or "cifar" (see above).
        width_multiplier: factor on the filters and the hidden units.
        name: the model's name.

    Returns:
        A `layerwise.Model` of named blocks "block1" (conv1, pool1), "block2" (conv2, pool2), "block3"
        (conv3-5, pool5) and "classifier" (fc1, fc2), then "predictions".

    Example:
        >>> model = AlexNet(input_shape=(32, 32, 3), classes=10, stem="cifar", width_multiplier=0.125)
        >>> model.compute_output_shape((None, 32, 32, 3)), model.get_layer("block3").layers[0].filters
        ((None, 10), 48)

    References:
        Krizhevsky, "One weird trick for parallelizing convolutional neural networks", arXiv:1404.5997, 2014;
        Krizhevsky, Sutskever & Hinton, "ImageNet Classification with Deep Convolutional Neural Networks",
        NIPS 2012; lecture 001.
    """
    check_arguments("AlexNet", weights, pooling, classes, width_multiplier)
    if stem not in STEMS:
        raise ValueError(f"AlexNet: stem must be one of {STEMS}, received {stem!r}")

    def width(units):
        return scaled(units, width_multiplier)

    inputs = layerwise.Input(shape=input_shape)
    first = (width(64), 11, 4) if stem == "imagenet" else (width(64), 3, 1)
    x = _block("block1", [first], pad=2 if stem == "imagenet" else 0)(inputs)
    x = _block("block2", [(width(192), 5, 1)])(x)
    x = _block("block3", [(width(384), 3, 1), (width(256), 3, 1), (width(256), 3, 1)])(x)
    if include_top:
        x = adaptive_average_pooling(x, 6, name="avgpool")
    hidden = width(4096)
    x = top(x, include_top, pooling, classes, classifier_activation,
            [layers.Dropout(0.5, name="drop1"), layers.Dense(hidden, activation="relu", name="fc1"),
             layers.Dropout(0.5, name="drop2"), layers.Dense(hidden, activation="relu", name="fc2")])
    return with_weights(layerwise.Model(inputs, x, name=name), weights)
