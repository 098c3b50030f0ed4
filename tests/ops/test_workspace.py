"""The executor owns the scratch buffers: each model's passes get a workspace that its kernels reuse from batch
to batch, shared by all its layers and by the models nested in it; a layer called on its own gets none; a
workspace lives as long as its model."""

import numpy as np

import layerwise
from layerwise import layers
from layerwise.ops import _workspace
from layerwise.ops._memory import ALIGNMENT
from layerwise.ops._workspace import Workspace


def test_a_pass_inside_another_shares_the_outer_workspace():
    outer, inner, other = Workspace(), Workspace(), Workspace()
    assert _workspace.current() is None
    with _workspace.scratch_of(outer):
        assert _workspace.current() is outer
        with _workspace.scratch_of(inner):
            assert _workspace.current() is outer
        assert _workspace.current() is outer
    assert _workspace.current() is None
    with _workspace.scratch_of(other):
        assert _workspace.current() is other


def _convolutions():
    return [layers.Conv2D(4, 3, padding="same"), layers.Conv2D(4, 3, padding="same")]


def test_a_model_reuses_one_set_of_buffers_across_layers_and_batches():
    model = layerwise.Sequential([layerwise.Input((8, 8, 3)), *_convolutions(), layers.Flatten(), layers.Dense(2)])
    x = np.random.default_rng(0).standard_normal((16, 8, 8, 3)).astype(np.float32)
    first = model.predict(x, verbose=0)
    buffers = dict(model.workspace._buffers)
    # One columns buffer and one padded-chunk buffer, for the two convolutions.
    assert len(buffers) == 2, buffers.keys()
    second = model.predict(x, verbose=0)
    assert {key: id(array) for key, array in model.workspace._buffers.items()} == \
        {key: id(array) for key, array in buffers.items()}
    np.testing.assert_array_equal(first, second)


def test_a_nested_model_runs_on_its_outer_models_buffers_and_a_layer_alone_on_none():
    conv = layers.Conv2D(4, 3, padding="same")
    conv(np.ones((2, 8, 8, 3), np.float32))
    assert _workspace.current() is None
    inner = layerwise.Sequential([layerwise.Input((8, 8, 3)), conv])
    outer = layerwise.Sequential([layerwise.Input((8, 8, 3)), inner, layers.Flatten(), layers.Dense(2)])
    outer.predict(np.ones((2, 8, 8, 3), np.float32), verbose=0)
    assert outer.workspace._buffers and not inner.workspace._buffers


def test_the_buffers_start_on_a_cache_line_whatever_their_size_and_dtype():
    workspace = Workspace()
    for key, shape, dtype in [("a", (3, 5), "float32"), ("b", (7,), "float64"), ("a", (40, 9), "float32"),
                              ("c", (2, 2, 2), "float16")]:
        view = workspace.empty(key, shape, dtype)
        assert view.shape == shape and view.dtype == np.dtype(dtype) and view.ctypes.data % ALIGNMENT == 0
