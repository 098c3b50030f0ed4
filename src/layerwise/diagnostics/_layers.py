"""Which layers the diagnostics watch, under which names, and which activation ends each of them."""

from layerwise.layers.activations.relu import ReLU

#: Activations whose inactive side is y <= 0: a ReLU unit there passes no gradient, a leaky one only its leak.
RELU_FAMILY = frozenset({"relu", "leaky_relu"})


def leaf_layers(model):
    """Every layer inside ``model``, at any depth, that holds no other layer (nested models are opened)."""
    return [layer for layer in model.flatten_layers() if not layer.sublayers()]


def layer_names(layers, owner):
    """The layers' names, the ``<layer>`` part of the diagnostics' keys; two distinct layers of one name
    (in two nested models) would share keys, so they are refused."""
    names = [layer.name for layer in layers]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"{owner}: several layers are named {repeated} (in different nested models); the "
                         "diagnostics' keys are '<statistic>/<layer name>', so give these layers distinct names")
    return names


def trainable_kernels(model, owner):
    """{layer name: its first trainable weight (the kernel of Dense and Conv layers)} for each leaf layer
    with trainable weights, in the order of ``model.flatten_layers()`` (input side first)."""
    layers = [layer for layer in leaf_layers(model) if layer.trainable_weights]
    return dict(zip(layer_names(layers, owner), (layer.trainable_weights[0] for layer in layers)))


def activation_name(layer):
    """The name of the activation that produces ``layer``'s output ("relu", "sigmoid" ...), or None.

    Dense, convolutional and activation layers name it in ``output_activation``; a `ReLU` layer is
    "relu", or "leaky_relu" with a leak.
    """
    if isinstance(layer, ReLU):
        return "leaky_relu" if layer.negative_slope else "relu"
    activation = layer.output_activation
    return None if activation is None else activation.name
