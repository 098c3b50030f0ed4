"""model_to_dot: the graph plot_model draws, as a pydot graph (built and written as DOT text; rendering it needs
Graphviz, which these tests do not use)."""

import sys

import pydot
import pytest

import layerwise
from layerwise.layers import Add, Dense
from layerwise.plot import model_to_dot, plot_model
from layerwise.utils import model_to_dot as keras_named_model_to_dot


def _branching():
    x = layerwise.Input(shape=(4,), name="x")
    shared = Dense(4, name="shared", activation="relu")
    h = shared(shared(x))
    return layerwise.Model(x, Dense(2, name="y")(Add(name="add")([x, h])))


def _nested():
    block = layerwise.Sequential([layerwise.Input(shape=(3,)), Dense(4, name="inner1"), Dense(4, name="inner2")],
                                 name="block")
    x = layerwise.Input(shape=(3,), name="x")
    return layerwise.Model(x, Dense(2, name="head")(block(x)))


def _labels(graph):
    return [node.get_label() for node in graph.get_nodes() if node.get_label()]


def _edges(graph):
    names = {node.get_name(): node.get_label().split(" ")[0] for node in graph.get_nodes() if node.get_label()}
    return [(names[edge.get_source()], names[edge.get_destination()]) for edge in graph.get_edges()]


@pytest.mark.parametrize("make, expand_nested", [(_branching, False), (_nested, False), (_nested, True)])
def test_the_same_graph_as_plot_model(make, expand_nested):
    model = make()
    graph = model_to_dot(model, show_shapes=True, expand_nested=expand_nested)
    panel = plot_model(model, expand_nested=expand_nested).axes[0]
    assert [label.replace("output: ", "") for label in _labels(graph)] == [text.get_text() for text in panel.texts]
    assert len(graph.get_edges()) == len(panel.patches)


def test_nodes_and_edges_of_a_branching_graph():
    graph = model_to_dot(_branching())
    assert _labels(graph) == ["x (InputLayer)", "shared (Dense)", "add (Add)", "y (Dense)"]
    assert _edges(graph) == [("x", "shared"), ("shared", "shared"), ("x", "add"), ("shared", "add"), ("add", "y")]
    assert isinstance(graph, pydot.Dot) and graph.get_rankdir() == "TB" and graph.get_dpi() == 200


def test_expanded_nested_model_is_wired_through_its_input():
    assert _edges(model_to_dot(_nested(), expand_nested=True)) == [
        ("x", "block_input"), ("block_input", "inner1"), ("inner1", "inner2"), ("inner2", "head")]
    assert _edges(model_to_dot(_nested())) == [("x", "block"), ("block", "head")]


def test_keras_options():
    model = _branching()
    model.layers[1].trainable = False
    graph = model_to_dot(model, show_dtype=True, show_layer_names=False, show_layer_activations=True,
                         show_trainable=True, rankdir="LR", dpi=96)
    assert _labels(graph)[1] == "Dense\ndtype: float32\nactivation: relu\ntrainable: False"
    assert graph.get_rankdir() == "LR" and graph.get_dpi() == 96
    cluster = model_to_dot(model, subgraph=True)
    assert isinstance(cluster, pydot.Cluster) and cluster.get_label() == model.name


def test_dot_text_parses_back():
    text = keras_named_model_to_dot(_nested(), show_shapes=True).to_string()
    (parsed,) = pydot.graph_from_dot_data(text)
    assert len(parsed.get_edges()) == 2
    assert "block (Sequential)" in text and "(None, 2)" in text


def test_refusals(monkeypatch):
    with pytest.raises(ValueError, match="built layerwise Model or Sequential"):
        model_to_dot(layerwise.Sequential([Dense(2)], name="empty"))
    with pytest.raises(ValueError, match="rankdir"):
        model_to_dot(_nested(), rankdir="BT")
    monkeypatch.setitem(sys.modules, "pydot", None)
    with pytest.raises(ImportError, match=r"layerwise\[dot\]"):
        model_to_dot(_nested())
