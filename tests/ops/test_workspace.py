"""The executor owns the scratch buffers: each layer a model runs gets a workspace that its kernels reuse from
batch to batch; a layer called on its own gets none; a workspace lives as long as its layer."""

import gc

import numpy as np

import layerwise
from layerwise import layers
from layerwise.ops import _workspace


def test_scratch_of_a_layer_is_its_own_and_nests():
    first, second = layers.Dense(2), layers.Dense(2)
    assert _workspace.current() is None
    with _workspace.scratch_of(first):
        outer = _workspace.current()
        with _workspace.scratch_of(second):
            assert _workspace.current() not in (None, outer)
        assert _workspace.current() is outer
    assert _workspace.current() is None
    with _workspace.scratch_of(first):
        assert _workspace.current() is outer


def test_a_model_reuses_its_convolutions_buffers_across_batches():
    conv = layers.Conv2D(4, 3, padding="same")
    model = layerwise.Sequential([layerwise.Input((8, 8, 3)), conv, layers.Flatten(), layers.Dense(2)])
    x = np.random.default_rng(0).standard_normal((16, 8, 8, 3)).astype(np.float32)
    first = model.predict(x, verbose=0)
    buffers = dict(_workspace._workspaces[conv]._buffers)
    assert buffers, "the convolution ran without its workspace"
    second = model.predict(x, verbose=0)
    assert {key: id(array) for key, array in _workspace._workspaces[conv]._buffers.items()} == \
        {key: id(array) for key, array in buffers.items()}
    np.testing.assert_array_equal(first, second)


def test_a_layer_called_alone_allocates_and_its_workspace_dies_with_it():
    conv = layers.Conv2D(4, 3, padding="same")
    conv(np.ones((2, 8, 8, 3), np.float32))
    assert conv not in _workspace._workspaces
    model = layerwise.Sequential([layerwise.Input((8, 8, 3)), conv])
    model.predict(np.ones((2, 8, 8, 3), np.float32), verbose=0)
    assert conv in _workspace._workspaces
    count = len(_workspace._workspaces)
    del model, conv
    gc.collect()
    assert len(_workspace._workspaces) < count
