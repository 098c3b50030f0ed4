"""plot_model: a model's graph of layers, drawn with matplotlib alone (Keras's `plot_model`, without graphviz)."""

from layerwise.layers.symbolic import format_shape
from layerwise.plot._figure import finish, panels

#: Inches per layer across and per level down the figure.
_BOX_WIDTH, _LEVEL_HEIGHT = 2.6, 0.9


def _is_model(layer):
    return hasattr(layer, "nodes") and hasattr(layer, "inputs")


def _source(tensor, expand_nested):
    """The layer whose box ``tensor`` leaves from: its producer, or, inside an expanded nested model, the
    producer of the model's corresponding output."""
    if expand_nested and _is_model(tensor.layer):
        return _source(tensor.layer.outputs[tensor.index], expand_nested)
    return tensor.layer


def _collect(model, expand_nested, boxes, arrows):
    """Fill ``boxes`` ({id: (layer, output shapes)}, one per layer) and ``arrows`` ({(id, id): None}, one per
    pair of connected layers), both in topological order, from the graph's call nodes."""
    for tensor in model.inputs:
        boxes.setdefault(id(tensor.layer), (tensor.layer, [tensor.shape]))
    for node in model.nodes:
        if expand_nested and _is_model(node.layer):
            for outer, inner in zip(node.inputs, node.layer.inputs):
                arrows[id(_source(outer, expand_nested)), id(inner.layer)] = None
            _collect(node.layer, expand_nested, boxes, arrows)
            continue
        boxes.setdefault(id(node.layer), (node.layer, [tensor.shape for tensor in node.outputs]))
        for tensor in node.inputs:
            arrows[id(_source(tensor, expand_nested)), id(node.layer)] = None


def _positions(boxes, arrows):
    """{box: (x, y)}: y = -(the longest path from an input), the boxes of a level spread evenly around x = 0."""
    depth = dict.fromkeys(boxes, 0)
    for source, target in arrows:   # in topological order, so each source's depth is final when read
        if source != target:   # a layer called on its own output loops back to its box
            depth[target] = max(depth[target], depth[source] + 1)
    levels = {}
    for box in boxes:
        levels.setdefault(depth[box], []).append(box)
    return {box: (column - (len(level) - 1) / 2, -row) for row, level in levels.items()
            for column, box in enumerate(level)}


def plot_model(model, path=None, expand_nested=False, show_shapes=True, ax=None, to_file=None):
    """Draw ``model``'s layer graph: one box per layer, "name (Class)" over its output shape, and one
    arrow per connection, inputs at the top.

    A layer called several times (shared weights) is one box with the arrows of all its calls. A nested
    model is one box, or, with ``expand_nested``, its own layers, wired to the outer graph through its
    Input boxes and its output layers.

    Args:
        model: a built `Model` or `Sequential`.
        path: save the figure there, as PNG or SVG by the suffix (Keras's ``to_file``).
        expand_nested: draw the layers of nested models instead of one box per nested model.
        show_shapes: write each layer's output shape under its name.
        ax: a matplotlib Axes, or None for a new figure sized to the graph.
        to_file: Keras's name for ``path``, so ``plot_model(model, to_file="model.png")`` ports unchanged.

    Returns:
        The matplotlib Figure.

    Example:
        >>> import layerwise
        >>> from layerwise.layers import Add, Dense
        >>> from layerwise.utils import plot_model
        >>> x = layerwise.Input(shape=(4,), name="x")
        >>> h = Dense(4, name="h")(x)
        >>> model = layerwise.Model(x, Dense(2, name="y")(Add(name="add")([x, h])))
        >>> panel = plot_model(model).axes[0]
        >>> [text.get_text() for text in panel.texts]
        ['x (InputLayer)\\n(None, 4)', 'h (Dense)\\n(None, 4)', 'add (Add)\\n(None, 4)', 'y (Dense)\\n(None, 2)']
        >>> len(panel.patches)   # arrows: x -> h, x -> add, h -> add, add -> y
        4
    """
    if path is not None and to_file is not None:
        raise ValueError(f"plot_model: give path or to_file (its Keras name), not both; received {path!r} and "
                         f"{to_file!r}")
    path = to_file if path is None else path
    if not _is_model(model) or not getattr(model, "built", False):
        raise ValueError(f"plot_model: model must be a built layerwise Model or Sequential (give a Sequential "
                         f"an Input), received {type(model).__name__} '{getattr(model, 'name', model)}'")
    from matplotlib.patches import FancyArrowPatch

    boxes, arrows = {}, {}
    _collect(model, expand_nested, boxes, arrows)
    positions = _positions(boxes, arrows)
    width = max(x for x, _ in positions.values()) * 2 + 1
    levels = 1 - min(y for _, y in positions.values())
    figure, (panel,) = panels(ax, 1, "plot_model", panel_size=(_BOX_WIDTH * max(width, 1.5),
                                                                _LEVEL_HEIGHT * levels + 0.3))
    texts = {}
    for box, (layer, shapes) in boxes.items():
        label = f"{layer.name} ({type(layer).__name__})"
        if show_shapes:
            label += "\n" + ", ".join(format_shape(shape) for shape in shapes)
        texts[box] = panel.text(*positions[box], label, ha="center", va="center", fontsize=8,
                                bbox={"boxstyle": "round,pad=0.4", "facecolor": "#e8f0fe", "edgecolor": "#3367d6"})
    for source, target in arrows:
        (x, y), end = positions[source], positions[target]
        # A layer called on its own output gets a loop on its right side (a bar out of the box and back).
        ends, bend = (((x, y + 0.08), (x, y - 0.08)), "bar,armA=-70,armB=-70,fraction=0") if source == target \
            else (((x, y), end), "arc3")
        # Clipped to the boxes' outlines when drawn, after the texts that place them (hence the z-order).
        panel.add_patch(FancyArrowPatch(*ends, connectionstyle=bend, patchA=texts[source].get_bbox_patch(),
                                        patchB=texts[target].get_bbox_patch(), shrinkA=1, shrinkB=1,
                                        arrowstyle="-|>", mutation_scale=10, color="0.3", zorder=4))
    panel.set(xlim=(-width / 2, width / 2), ylim=(0.5 - levels, 0.5), title=model.name)
    panel.axis("off")
    return finish(figure, path, "plot_model")
