"""model_to_dot: a model's graph of layers as a pydot graph (Keras's `model_to_dot`), the graph `plot_model` draws."""

from layerwise.layers.symbolic import format_shape
from layerwise.plot.model_graph import _collect, _is_model

_RANKDIRS = ("TB", "LR")


def _pydot():
    try:
        import pydot
    except ImportError as error:
        raise ImportError("model_to_dot builds a pydot graph: pip install 'layerwise[dot]' (or pip install pydot)") \
            from error
    return pydot


def _label(layer, shapes, show_shapes, show_dtype, show_layer_names, show_layer_activations, show_trainable):
    """The text of a layer's node: "name (Class)" (or "Class"), then the lines asked for."""
    lines = [f"{layer.name} ({type(layer).__name__})" if show_layer_names else type(layer).__name__]
    if show_shapes:
        lines.append("output: " + ", ".join(format_shape(shape) for shape in shapes))
    if show_dtype:
        lines.append(f"dtype: {getattr(layer, 'dtype', None)}")
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        name = getattr(activation, "name", None) or getattr(activation, "__name__", type(activation).__name__)
        lines.append(f"activation: {name}")
    if show_trainable:
        lines.append(f"trainable: {getattr(layer, 'trainable', True)}")
    return "\n".join(lines)


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB", expand_nested=False,
                 dpi=200, subgraph=False, show_layer_activations=False, show_trainable=False):
    """``model``'s layer graph as a ``pydot.Dot``: one node per layer and one edge per connection, the graph
    that `layerwise.utils.plot_model` draws with matplotlib (a layer called several times is one node with the
    edges of all its calls; ``expand_nested`` puts a nested model's layers in its place).

    Rendering the graph (``graph.write_png``, ``graph.create_svg``) needs Graphviz's ``dot`` program;
    building it and writing it as DOT text (``graph.to_string()``) does not.

    Args:
        model: a built `Model` or `Sequential`.
        show_shapes: add each layer's output shape to its node.
        show_dtype: add each layer's dtype.
        show_layer_names: start the node with the layer's name (else the class alone).
        rankdir: "TB" (top to bottom) or "LR" (left to right), Graphviz's ``rankdir``.
        expand_nested: the layers of nested models instead of one node per nested model.
        dpi: the resolution Graphviz renders at.
        subgraph: return a ``pydot.Cluster`` (to place in another graph) instead of a ``pydot.Dot``.
        show_layer_activations: add the activation of layers that have one.
        show_trainable: add whether each layer is trainable.

    Returns:
        The ``pydot.Dot`` (or ``pydot.Cluster``); node names are the layers' ids, as Keras names them.

    Raises:
        ImportError: pydot is not installed (``pip install 'layerwise[dot]'``).

    Example:
        >>> import layerwise
        >>> from layerwise.layers import Add, Dense
        >>> x = layerwise.Input(shape=(4,), name="x")
        >>> h = Dense(4, name="h")(x)
        >>> model = layerwise.Model(x, Dense(2, name="y")(Add(name="add")([x, h])))
        >>> graph = model_to_dot(model, show_shapes=True)
        >>> for node in graph.get_nodes():  # the first sets the defaults of all
        ...     if node.get_label():
        ...         print(node.get_label().replace("\\n", " | "))
        x (InputLayer) | output: (None, 4)
        h (Dense) | output: (None, 4)
        add (Add) | output: (None, 4)
        y (Dense) | output: (None, 2)
        >>> len(graph.get_edges())   # x -> h, x -> add, h -> add, add -> y
        4

    References:
        Keras 3, ``keras.utils.model_to_dot``.
    """
    if not _is_model(model) or not getattr(model, "built", False):
        raise ValueError(f"model_to_dot: model must be a built layerwise Model or Sequential (give a Sequential an "
                         f"Input), received {type(model).__name__} '{getattr(model, 'name', model)}'")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"model_to_dot: rankdir must be one of {_RANKDIRS}, received {rankdir!r}")
    pydot = _pydot()
    if subgraph:
        graph = pydot.Cluster(style="dashed", graph_name=model.name, label=model.name)
    else:
        graph = pydot.Dot(graph_type="digraph", rankdir=rankdir, concentrate=True, dpi=dpi)
        graph.set_node_defaults(shape="box", style="rounded")
    boxes, arrows = {}, {}
    _collect(model, expand_nested, boxes, arrows)
    for box, (layer, shapes) in boxes.items():
        graph.add_node(pydot.Node(str(box), label=_label(layer, shapes, show_shapes, show_dtype, show_layer_names,
                                                          show_layer_activations, show_trainable)))
    for source, target in arrows:
        graph.add_edge(pydot.Edge(str(source), str(target)))
    return graph
