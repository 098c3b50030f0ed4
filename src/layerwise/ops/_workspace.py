"""Scratch buffers that kernels reuse from one batch to the next, owned by the executor, not by layers.

A fresh multi-megabyte NumPy array is a fresh mmap: the kernel zero-fills every page on first touch, which
costs more than the copy that fills it (an im2col buffer of 58 MB took 51 ms allocated fresh, 15 ms
reused). So a model's executor runs each pass inside `scratch_of` its `Workspace`, and the kernels in `ops/` take
their im2col and padding buffers from it (`current`) across batches. The buffers hold nothing from one kernel call
to the next, so every layer of the pass shares them: a ResNet-20's 19 convolutions use the buffers of one, which
stay in cache. A layer called outside a model has no workspace, and its kernels allocate afresh.

The buffers are kept per thread (the thread that runs the pass, whose lanes share them): two threads
calling one model at once never write into each other's buffers.
"""

import functools
import math
import threading
from contextlib import contextmanager

import numpy as np

from layerwise.ops._lanes import pass_owner
from layerwise.ops._memory import aligned_empty


class Workspace:
    """Named buffers that grow on demand and are handed out as views of the requested shape, each starting on a
    cache line (`layerwise.ops._memory`): BLAS reads an im2col buffer's rows, and ResNet-20's training steps took
    5.9% less time with the buffers aligned than with NumPy's on the AMD Zen 4 machine (the median of 24 rounds'
    ratios, 0.941, the two ways taking turns going first; medians of the steps 279.9 against 298.6 ms)."""

    def __init__(self):
        self._buffers = {}

    def empty(self, key, shape, dtype):
        """An uninitialized array of ``shape`` backed by the buffer ``key`` (a view; valid until reused)."""
        key = (pass_owner(), key)
        size = math.prod(shape)
        buffer = self._buffers.get(key)
        if buffer is None or buffer.size < size or buffer.dtype != dtype:
            buffer = aligned_empty(size, dtype)
            self._buffers[key] = buffer
        return buffer[:size].reshape(shape)


_running = threading.local()


@contextmanager
def scratch_of(workspace):
    """Let the kernels called inside (in this thread) reuse the buffers of ``workspace``, unless they already
    reuse those of an enclosing pass (a model nested in another runs on its outer model's buffers)."""
    outer = getattr(_running, "workspace", None)
    _running.workspace = workspace if outer is None else outer
    try:
        yield
    finally:
        _running.workspace = outer


def with_workspace(method):
    """Decorate a model's forward or backward pass to run inside `scratch_of` the model's ``workspace``."""
    @functools.wraps(method)
    def in_workspace(model, *args, **kwargs):
        with scratch_of(model.workspace):
            return method(model, *args, **kwargs)
    return in_workspace


def current():
    """The workspace of the pass the executor is running in this thread (`scratch_of`), or None."""
    return getattr(_running, "workspace", None)


def empty(workspace, key, shape, dtype):
    """``workspace.empty(...)``, or a fresh array when there is no workspace."""
    return np.empty(shape, dtype=dtype) if workspace is None else workspace.empty(key, shape, dtype)
