"""Scratch buffers that kernels reuse from one batch to the next, owned by the executor, not by layers.

A fresh multi-megabyte NumPy array is a fresh mmap: the kernel zero-fills every page on first touch, which
costs more than the copy that fills it (an im2col buffer of 58 MB took 51 ms allocated fresh, 15 ms
reused). So the model's executor runs each layer's forward and backward inside `scratch_of(layer)`, and the
kernels in `ops/` take their im2col and padding buffers from that layer's `Workspace` (`current`) across
batches. A layer called outside a model has no workspace, and its kernels allocate afresh.

The buffers are kept per thread (the thread that runs the pass, whose lanes share them): two threads
calling one model at once never write into each other's buffers.
"""

import math
import threading
import weakref
from contextlib import contextmanager

import numpy as np

from layerwise.ops._lanes import pass_owner


class Workspace:
    """Named buffers that grow on demand and are handed out as views of the requested shape.

    A buffer can also remember what it was filled from (`remember`), so that a caller who would fill it
    again from the same array (the weight gradient padding the input the forward pass padded) can take
    it as it is (`recall`). Any `empty` of the key forgets.
    """

    def __init__(self):
        self._buffers = {}
        self._contents = {}

    def empty(self, key, shape, dtype):
        """An uninitialized array of ``shape`` backed by the buffer ``key`` (a view; valid until reused)."""
        key = (pass_owner(), key)
        self._contents.pop(key, None)
        size = math.prod(shape)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size or buffer.dtype != dtype:
            buffer = np.empty(size, dtype=dtype)
            self._buffers[key] = buffer
        return buffer[:size].reshape(shape)

    def remember(self, key, view, source, recipe):
        """Note that ``view`` (from `empty` of ``key``) now holds ``recipe`` applied to the array ``source``."""
        self._contents[(pass_owner(), key)] = (view, weakref.ref(source), recipe)

    def recall(self, key, source, recipe):
        """The view that `remember` noted for ``key`` if it holds ``recipe`` of this very ``source``, else None.

        The source is held by a weak reference, so a new array at a recycled address is never mistaken for it.
        """
        view, remembered, remembered_recipe = self._contents.get((pass_owner(), key), (None, lambda: None, None))
        return view if remembered() is source and remembered_recipe == recipe else None

    def clear(self):
        """Release every buffer."""
        self._buffers.clear()
        self._contents.clear()


# The workspace of each layer the executor has run, kept as long as the layer lives.
_workspaces = weakref.WeakKeyDictionary()
_running = threading.local()


@contextmanager
def scratch_of(owner):
    """Let the kernels called inside (in this thread) reuse the buffers of ``owner``, a layer."""
    workspace = _workspaces.get(owner)
    if workspace is None:
        workspace = _workspaces[owner] = Workspace()
    outer = getattr(_running, "workspace", None)
    _running.workspace = workspace
    try:
        yield
    finally:
        _running.workspace = outer


def current():
    """The workspace of the layer the executor is running in this thread (`scratch_of`), or None."""
    return getattr(_running, "workspace", None)


def empty(workspace, key, shape, dtype):
    """``workspace.empty(...)``, or a fresh array when there is no workspace."""
    return np.empty(shape, dtype=dtype) if workspace is None else workspace.empty(key, shape, dtype)
