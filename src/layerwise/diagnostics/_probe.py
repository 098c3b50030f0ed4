"""Each layer's outputs on a probe set, read from the graph of a model and of every model nested in it."""

from layerwise.models.functional import Model


def require_graph(model, owner):
    """Raise a TypeError naming ``owner`` unless ``model`` is a graph of layer calls (`Model`, `Sequential`)."""
    if not isinstance(model, Model):
        raise TypeError(f"{owner}: reads the layers' outputs from a model's graph, so it needs a "
                        f"layerwise.Model or Sequential, received {type(model).__name__}")


def probe_outputs(model, x, select):
    """{layer: [its output on ``x`` at each of its calls]} in inference mode, for each layer where
    ``select(layer)`` is true, nested models included.

    A model's graph is read by a model of its own, ``Model(model.input, [the tensors wanted])``, which
    shares the layers and their weights and runs through the same executor (inference mode, no state of
    the model touched). A nested model's node contributes the inputs it receives, on which its own graph
    is read the same way, so a layer is found at any depth and once per call. Layers inside wrappers
    (`TimeDistributed`, `Bidirectional`) are not graph nodes and are not read.

    Args:
        model: a `Model` or `Sequential`.
        x: the probe inputs (a list of arrays for a model of several inputs).
        select: which layers to read, a predicate on a layer that is not a model.
    """
    found = {}
    _read(model, x, False, select, found)
    return found


def _read(model, inputs, training, select, found):
    wanted = {}
    for node in model.nodes:
        if isinstance(node.layer, Model):
            wanted.update((id(tensor), tensor) for tensor in node.inputs)
        elif select(node.layer):
            wanted[id(node.outputs[0])] = node.outputs[0]
    if not wanted:
        return
    tensors = list(wanted.values())
    reader = Model(model.input, tensors, name=f"{model.name}_probe")
    values = dict(zip(wanted, reader(inputs, training=training)))
    for node in model.nodes:
        if isinstance(node.layer, Model):
            arguments = [values[id(tensor)] for tensor in node.inputs]
            _read(node.layer, arguments if node.list_call else arguments[0],
                  training if node.training is None else node.training, select, found)
        elif select(node.layer):
            found.setdefault(node.layer, []).append(values[id(node.outputs[0])])
