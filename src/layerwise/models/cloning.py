"""clone_model: the same architecture with new layers and new weights, as `keras.models.clone_model`."""

from layerwise.layers import serialization
from layerwise.layers.core.input_layer import Input
from layerwise.models.functional import Functional
from layerwise.models.sequential import Sequential


def _clone_layer(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(model, clone_function=None):
    """A new model of the same graph whose layers are new instances with freshly initialized weights.

    Nested models are cloned the same way, at any depth; a layer called at several nodes is cloned once
    and its clone called at the same nodes, so sharing is kept inside the clone. Copy the weights with
    ``clone.set_weights(model.get_weights())`` if you want them too.

    Args:
        model: a `Sequential` or functional `Model`.
        clone_function: ``layer -> new layer`` for each layer that is not a model (default: a new layer
            from the layer's config).

    Example:
        >>> import layerwise
        >>> from layerwise.layers import Dense
        >>> model = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(2)])
        >>> clone = clone_model(model)
        >>> clone.layers[0] is model.layers[0], clone.count_params() == model.count_params()
        (False, True)
    """
    clone_function = clone_function or _clone_layer
    clones = {}

    def clone(layer):
        if layer not in clones:
            # Remembered by name, so a clone that refers to another layer (a tied decoder) finds its clone.
            clones[layer] = clone_model(layer, clone_function) if isinstance(layer, Functional) else \
                serialization.remember(clone_function(layer))
        return clones[layer]

    with serialization.loading_scope():
        return _clone_graph(model, clone)


def _clone_graph(model, clone):
    """The model's graph again, each layer replaced by ``clone(layer)``."""
    if isinstance(model, Sequential):
        copy = Sequential([clone(layer) for layer in model.layers], name=model.name, trainable=model.trainable)
        if model.built and not copy.built:
            copy.build(model.input_shape)
        return copy
    tensors = {t: Input(shape=t.shape[1:], dtype=t.dtype, name=t.layer.name) for t in model.inputs}
    for tensor, new in tensors.items():
        new.layer.trainable = tensor.layer.trainable
    for node in model.nodes:
        arguments = [tensors[t] for t in node.inputs]
        result = clone(node.layer)(arguments if node.list_call else arguments[0], training=node.training,
                                   **node.arguments)
        tensors.update(zip(node.outputs, [result] if node.single_output else result))
    inputs, outputs = [tensors[t] for t in model.inputs], [tensors[t] for t in model.outputs]
    copy = Functional(inputs[0] if model.single_input else inputs, outputs[0] if model.single_output else outputs,
                 name=model.name)
    copy._trainable = model.trainable
    return copy
