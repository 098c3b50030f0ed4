"""The deep multilayer perceptrons of the activation and initialization experiments, and a fit that survives
divergence.

Each hidden layer is a Dense layer followed by its own activation layer, so a hidden layer's pre-activation
z_l = W_l x_{l-1} + b_l is the Dense layer's output: its bias gradient dJ/db_l is the backpropagated gradient
dJ/dz_l (summed over the batch), and `layerwise.diagnostics.DeadUnits` reads the ReLU-family activation layers.
"""

import layerwise
from layerwise import layers
from layerwise.errors import DivergenceError


def deep_mlp(hidden, width, activation, kernel_initializer, inputs=784, classes=10, dtype=None):
    """``hidden`` hidden layers Dense(width) + activation, then a softmax Dense(classes).

    Args:
        hidden: the number of hidden layers L.
        width: units per hidden layer.
        activation: a function of no argument returning a new activation layer (``layers.ReLU``), or the
            name of an activation function ("tanh"), used as an `Activation` layer.
        kernel_initializer: the hidden layers' kernel initializer (a name or an Initializer); the output
            layer keeps Glorot uniform, so only the hidden stack differs between initializations.
        inputs: the input features.
        classes: the softmax outputs.
        dtype: the float type of every layer (float64 keeps exploding activations finite).

    Returns:
        An uncompiled `Sequential`; the hidden Dense layers are named ``dense_1`` ... ``dense_L`` and the
        output layer ``output``.
    """
    make = (lambda: layers.Activation(activation, dtype=dtype)) if isinstance(activation, str) else activation
    stack = [layerwise.Input(shape=(inputs,))]
    for index in range(1, hidden + 1):
        stack.append(layers.Dense(width, kernel_initializer=kernel_initializer, name=f"dense_{index}", dtype=dtype))
        stack.append(make())
    stack.append(layers.Dense(classes, activation="softmax", name="output", dtype=dtype))
    return layerwise.Sequential(stack)


def hidden_dense(model):
    """The hidden Dense layers of a `deep_mlp`, input side first."""
    return [layer for layer in model.layers if layer.name.startswith("dense_")]


def fit_or_diverge(model, x, y, **fit_arguments):
    """``model.fit(x, y, verbose=0, **fit_arguments)``'s History, or None when the loss became NaN or
    infinite (a learning rate too large for the network is a result here, not an error)."""
    try:
        return model.fit(x, y, verbose=0, **fit_arguments)
    except DivergenceError:
        return None
