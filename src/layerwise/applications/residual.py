"""The residual block x_{l+1} = act(F(x_l) + h(x_l)) and lecture 001's shortcut variants h.

Lecture 001 compares shortcuts on ResNet-110 / CIFAR-10: identity h(x) = x (6.6% error), constant scaling
h(x) = 0.5 x (12.4%), a 1x1-convolution h(x) = conv(x) (12.2%) and dropout h(x) = dropout(x) (> 20%).
Only the identity keeps dE/dx_l = dE/dx_L (1 + d/dx_l sum_i F_i): with h(x) = lambda x the direct term
becomes lambda^{L-l}, which vanishes for lambda < 1.
"""

from layerwise import layers

#: The shortcut variants h(x), by name.
SHORTCUTS = ("identity", "scaling", "projection", "dropout")


def check_shortcut(shortcut):
    if shortcut not in SHORTCUTS:
        raise ValueError(f"shortcut must be one of {SHORTCUTS}, received {shortcut!r}")


def _keras_layer(name):
    """A layer class by its Keras name, with a clear error while its family is not available yet."""
    if not hasattr(layers, name):
        raise NotImplementedError(f"layerwise.layers.{name} is needed here and is not available in this build")
    return getattr(layers, name)


def residual_block(x, residual, project, shortcut="identity", plain=False, shortcut_scale=0.5,
                   shortcut_dropout=0.5, activation="relu"):
    """Return act(F(x) + h(x)) for symbolic x, or act(F(x)) for the plain counterpart.

    Args:
        x: the block's input, a symbolic tensor.
        residual: F, a function from a symbolic tensor to a symbolic tensor (the block's layers).
        project: a function building a learned projection of x to F(x)'s shape (a 1x1 convolution or a
            Dense layer); used for ``shortcut="projection"`` and wherever F changes the shape.
        shortcut: "identity" h(x) = x, "scaling" h(x) = shortcut_scale * x, "projection" h(x) = project(x),
            or "dropout" h(x) = dropout(x) at rate ``shortcut_dropout``.
        plain: build the block without a shortcut.
        activation: the activation after the sum.

    Returns:
        The block's symbolic output.

    Example:
        With F(x) = 0 (a zero-initialized Dense layer), the identity block computes relu(x) and the
        "scaling" block relu(0.5 x):

        >>> import numpy as np
        >>> import layerwise
        >>> from layerwise import layers
        >>> x = layerwise.Input(shape=(2,))
        >>> zero = lambda t: layers.Dense(2, kernel_initializer="zeros")(t)
        >>> layerwise.Model(x, residual_block(x, zero, None))(np.array([[-1.0, 2.0]])).tolist()
        [[0.0, 2.0]]
        >>> layerwise.Model(x, residual_block(x, zero, None, shortcut="scaling"))(np.array([[-1.0, 2.0]])).tolist()
        [[0.0, 1.0]]
    """
    check_shortcut(shortcut)
    f = residual(x)
    if plain:
        return layers.Activation(activation)(f)
    if shortcut == "projection" or tuple(f.shape) != tuple(x.shape):
        h = project(x)
    elif shortcut == "scaling":
        h = layers.Rescaling(shortcut_scale)(x)
    elif shortcut == "dropout":
        h = layers.Dropout(shortcut_dropout)(x)
    else:
        h = x
    return layers.Activation(activation)(layers.Add()([f, h]))
