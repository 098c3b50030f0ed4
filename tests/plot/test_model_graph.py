import pytest

import layerwise
from layerwise.layers import Add, Dense
from layerwise.plot import plot_model
from layerwise.utils import plot_model as keras_named_plot_model


def _arrows(panel):
    return [(patch.get_path().vertices[0], patch.get_path().vertices[-1]) for patch in panel.patches]


def _nested():
    block = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, name="inner1"), Dense(4, name="inner2")],
                                 name="block")
    x = layerwise.Input(shape=(3,), name="x")
    return layerwise.Model(x, Dense(2, name="head")(block(x)))


def test_one_box_per_layer_and_one_arrow_per_edge_of_a_branching_graph():
    x = layerwise.Input(shape=(4,), name="x")
    shared = Dense(4, name="shared")
    h = shared(shared(x))   # one layer called twice: one box, the arrow x -> shared and its loop
    model = layerwise.Model(x, Dense(2, name="y")(Add(name="add")([x, h])))
    panel = plot_model(model).axes[0]
    assert [text.get_text().split("\n")[0] for text in panel.texts] == [
        "x (InputLayer)", "shared (Dense)", "add (Add)", "y (Dense)"]
    assert len(panel.patches) == 5   # x -> shared, shared -> shared, x -> add, shared -> add, add -> y
    assert panel.texts[3].get_text() == "y (Dense)\n(None, 2)"


def test_a_nested_model_is_one_box_or_its_layers_when_expanded():
    model = _nested()
    collapsed = plot_model(model).axes[0]
    assert [text.get_text().split(" ")[0] for text in collapsed.texts] == ["x", "block", "head"]
    assert len(collapsed.patches) == 2
    expanded = plot_model(model, expand_nested=True, show_shapes=False).axes[0]
    assert [text.get_text() for text in expanded.texts] == [
        "x (InputLayer)", "block_input (InputLayer)", "inner1 (Dense)", "inner2 (Dense)", "head (Dense)"]
    assert len(expanded.patches) == 4   # x -> block_input -> inner1 -> inner2 -> head


def test_arrows_point_down_from_each_layer_to_the_next():
    panel = plot_model(_nested(), expand_nested=True).axes[0]
    centres = [text.get_position() for text in panel.texts]
    assert [y for _, y in centres] == [0, -1, -2, -3, -4]
    for patch in panel.patches:
        start, end = patch.get_path().vertices[0], patch.get_path().vertices[-1]
        assert start[1] > end[1]


def test_keras_name_in_utils_saves_svg_and_refuses_an_unbuilt_model(tmp_path):
    assert keras_named_plot_model is plot_model
    keras_named_plot_model(_nested(), path=tmp_path / "model.svg")
    assert "<svg" in (tmp_path / "model.svg").read_text()
    with pytest.raises(ValueError, match="built layerwise Model or Sequential .* received Sequential 'empty'"):
        plot_model(layerwise.Sequential([Dense(2)], name="empty"))


def test_keras_to_file_saves_too(tmp_path):
    model = layerwise.Sequential([layerwise.Input(shape=(3,)), layerwise.layers.Dense(2)])
    plot_model(model, to_file=str(tmp_path / "model.png"))
    assert (tmp_path / "model.png").read_bytes().startswith(b"\x89PNG")
    with pytest.raises(ValueError, match="to_file"):
        plot_model(model, path=str(tmp_path / "a.png"), to_file=str(tmp_path / "b.png"))
