"""LeCun et al.'s LeNet-5 (1998), in its common fully connected form, with tanh/average or ReLU/max pooling."""

import layerwise
from layerwise import layers
from layerwise.applications._imagenet import check_arguments, padded_to, top, with_weights

#: "original": tanh and 2x2 average pooling, as the paper; "modern": ReLU and 2x2 max pooling.
LENET_VARIANTS = {"original": ("tanh", layers.AveragePooling2D), "modern": ("relu", layers.MaxPooling2D)}

#: The paper's input field: MNIST's 28x28 digits were centred in 32x32 images.
LENET_FIELD = 32


def LeNet5(include_top=True, weights=None, input_shape=(32, 32, 1), pooling=None, classes=10,
           classifier_activation="softmax", variant="original", name="lenet5"):
    """C1 conv 5x5 (6) -> S2 pool 2 -> C3 conv 5x5 (16) -> S4 pool 2 -> C5 conv 5x5 (120) -> F6 (84) -> output.

    At 32x32x1 the maps are 28x28x6 (C1), 14x14x6 (S2), 10x10x16 (C3), 5x5x16 (S4) and 1x1x120 (C5), the
    paper's figure 2; with 10 classes the model has 61,706 parameters. What differs from the paper, and why:

    - C3 is fully connected to S2's 6 maps (2,416 parameters), not the paper's sparse table of 60 links
      (1,516): the sparse table broke symmetry on 1998 hardware, and every current implementation drops it.
    - S2 and S4 are parameter-free 2x2 poolings followed by the activation of the preceding convolution;
      the paper's subsampling layers had a trainable coefficient and bias per map (12 + 32 parameters) and
      their own sigmoid. With the sparse C3 and the trainable subsampling the paper's count is about 60,000.
    - The activation is tanh, not the paper's scaled 1.7159 tanh(2a/3), and the output is a softmax Dense
      layer, not the paper's Euclidean RBF units.

    Inputs smaller than 32x32 (MNIST's 28x28) are zero-padded to 32x32 by a "pad" layer, as LeCun et al. did
    with the digits; larger inputs keep their size, and C5 then outputs a map larger than 1x1.

    Args:
        include_top: F6 and the output layer on top; without them the model outputs C5's maps.
        weights: None (random initialization), or the path of a layerwise model or weights file.
        input_shape: (height, width, channels), channels-last.
        pooling: with include_top=False, None (the 4D maps of C5), "avg" or "max" (global pooling).
        classes: number of outputs.
        classifier_activation: the activation of the predictions layer (None for logits).
        variant: "original" (tanh, average pooling) or "modern" (ReLU, max pooling); same parameters.
        name: the model's name.

    Returns:
        A `layerwise.Model` of named blocks "block1" (c1, s2), "block2" (c3, s4), "block3" (c5) and
        "classifier" (f6), then "predictions".

    Example:
        >>> LeNet5().count_params()
        61706
        >>> LeNet5(input_shape=(28, 28, 1), variant="modern").get_layer("block3").get_layer("c5").kernel.shape
        (5, 5, 16, 120)

    References:
        LeCun, Bottou, Bengio & Haffner, "Gradient-Based Learning Applied to Document Recognition", Proc. IEEE
        1998; lectures 003 and 004.
    """
    check_arguments("LeNet5", weights, pooling, classes)
    if variant not in LENET_VARIANTS:
        raise ValueError(f"LeNet5: variant must be one of {tuple(LENET_VARIANTS)}, received {variant!r}")
    activation, pool = LENET_VARIANTS[variant]
    inputs = layerwise.Input(shape=input_shape)
    x = padded_to(inputs, LENET_FIELD)
    for block, (conv, filters, subsampling) in enumerate((("c1", 6, "s2"), ("c3", 16, "s4"), ("c5", 120, None)),
                                                         start=1):
        stage = [layers.Conv2D(filters, 5, activation=activation, name=conv)]
        if subsampling:
            stage.append(pool(2, name=subsampling))
        x = layerwise.Sequential(stage, name=f"block{block}")(x)
    x = top(x, include_top, pooling, classes, classifier_activation,
            [layers.Dense(84, activation=activation, name="f6")])
    return with_weights(layerwise.Model(inputs, x, name=name), weights)
