"""Networks whose weights are written down rather than trained: the lectures' constructions, computed by layerwise.

A construction gives each layer's (W, b, φ); `dense_network` stacks them as `Dense` layers and loads the weights
with `set_weights`, so the library's own forward pass evaluates the construction.
"""

import numpy as np

import layerwise
from layerwise import layers


def dense_network(input_dim, weights):
    """A Sequential of Dense layers computing x_l = φ_l(x_{l-1} W_l + b_l).

    Args:
        input_dim: the width of x_0.
        weights: one ``(W, b, φ)`` per layer: W of shape (n_{l-1}, n_l), b of shape (n_l,), φ an activation
            name (or None for the identity).

    Returns:
        The built model, its kernels and biases set (float32).
    """
    model = layerwise.Sequential([layerwise.Input(shape=(input_dim,))]
                                 + [layers.Dense(np.shape(kernel)[1], activation=activation)
                                    for kernel, _, activation in weights])
    for layer, (kernel, bias, _) in zip(model.layers, weights):
        layer.set_weights([np.asarray(kernel, dtype=np.float32), np.asarray(bias, dtype=np.float32)])
    return model
