"""A model file of a very deep model loads in time linear in its depth (issue 19, item 4).

Linear is asserted by counting layer calls, not by timing: rebuilding the graph after each added layer
made loading an n-layer Sequential call layers n(n+1)/2 times (over 30 s for 20,000 layers).
"""

import sys

import pytest

import layerwise
from layerwise.layers import ReLU
from layerwise.layers.base import Layer
from layerwise.models import load_model


@pytest.fixture
def layer_calls(monkeypatch):
    """A list that gets one entry per `Layer.__call__` made while the test runs."""
    calls, call = [], Layer.__call__

    def counted(self, *args, **kwargs):
        calls.append(self)
        return call(self, *args, **kwargs)
    monkeypatch.setattr(Layer, "__call__", counted)
    return calls


def test_a_20000_layer_sequential_loads_with_one_call_per_layer(tmp_path, layer_calls):
    depth = 20_000
    _sequential(depth).save(tmp_path / "deep.lw")
    layer_calls.clear()
    model = load_model(tmp_path / "deep.lw")
    assert len(model.layers) == depth and len(layer_calls) == depth


def _sequential(depth):
    return layerwise.Sequential([layerwise.Input(shape=(2,))] + [ReLU() for _ in range(depth)])


def _functional(depth):
    x = inputs = layerwise.Input(shape=(2,))
    for _ in range(depth):
        x = ReLU()(x)
    return layerwise.Model(inputs, x)


def _python_calls_to_load(path):
    """How many Python functions loading ``path`` runs: a count of work that does not depend on timing."""
    count = [0]

    def profile(frame, event, arg):
        count[0] += event == "call"
    sys.setprofile(profile)
    try:
        load_model(path)
    finally:
        sys.setprofile(None)
    return count[0]


@pytest.mark.parametrize("build", [_sequential, _functional])
def test_loading_work_grows_linearly_with_depth(tmp_path, build):
    calls = {}
    for depth in (400, 800):
        build(depth).save(tmp_path / f"{depth}.lw")
        calls[depth] = _python_calls_to_load(tmp_path / f"{depth}.lw")
    assert calls[800] / calls[400] < 2.2, calls


def test_sequential_built_from_a_list_calls_each_layer_once(layer_calls):
    model = _sequential(300)
    assert len(layer_calls) == 300 and model.compute_output_shape((None, 2)) == (None, 2)
