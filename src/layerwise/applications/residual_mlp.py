"""A residual multilayer perceptron: the ResNet idea on Dense layers, for quick depth experiments."""

import layerwise
from layerwise import layers
from layerwise.applications.residual import check_shortcut, residual_block
from layerwise.utils._arguments import check_integer


def residual_mlp(input_shape, units=64, blocks=27, classes=10, shortcut="identity", plain=False,
                 batch_norm=False, activation="relu", kernel_initializer="he_normal", shortcut_scale=0.5,
                 shortcut_dropout=0.5, name=None):
    """Dense(units) -> ``blocks`` x [two Dense layers + shortcut] -> Dense(classes, softmax).

    Each block is x_{l+1} = act(h(x_l) + W_2 act(W_1 x_l)) (see `residual_block`); the network has
    2 * blocks + 2 weighted layers (blocks=27: 56 layers, the depth of lecture 000's plain-vs-ResNet figure).

    Args:
        input_shape: shape of one sample; inputs of rank > 1 are flattened first.
        units: width of every hidden layer.
        blocks: number of residual blocks.
        classes: number of softmax outputs.
        shortcut, plain, shortcut_scale, shortcut_dropout, activation: as `residual_block`.
        batch_norm: put a BatchNormalization after each hidden Dense layer.
        kernel_initializer: initializer of every kernel.
        name: the model's name.

    Returns:
        A `layerwise.Model`.

    Example:
        >>> model = residual_mlp((8,), units=4, blocks=2, classes=3)
        >>> len([layer for layer in model.layers if type(layer).__name__ == "Dense"])
        6

    References:
        He et al., "Deep Residual Learning for Image Recognition", CVPR 2016; lectures 000 and 001.
    """
    check_shortcut(shortcut)
    check_integer(blocks, "blocks", "residual_mlp")

    def dense(x, act=None):
        x = layers.Dense(units, use_bias=not batch_norm, kernel_initializer=kernel_initializer)(x)
        if batch_norm:
            x = layers.BatchNormalization()(x)
        return layers.Activation(act)(x) if act else x

    inputs = layerwise.Input(shape=input_shape)
    x = layers.Flatten()(inputs) if len(tuple(input_shape)) > 1 else inputs
    x = dense(x, activation)
    for _ in range(blocks):
        x = residual_block(x, lambda t: dense(dense(t, activation)), dense, shortcut, plain, shortcut_scale,
                           shortcut_dropout, activation)
    outputs = layers.Dense(classes, activation="softmax", kernel_initializer="glorot_uniform")(x)
    kind = "plain" if plain else "residual"
    return layerwise.Model(inputs, outputs, name=name or f"{kind}_mlp_{2 * blocks + 2}")
