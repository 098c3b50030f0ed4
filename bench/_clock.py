"""Where a benchmark's layerwise time goes: wall time charged to labels by wrapping callables; the mean time
of a call."""

import time
from collections import defaultdict


class Clock:
    """Accumulates wall time per label; wraps callables so each call is charged to its label.

    A callable wrapped with ``layer`` names the current layer; one wrapped without it (a kernel) is
    charged to "<current layer> <label>", so kernels show up under the layer step that called them.
    """

    def __init__(self):
        self.seconds = defaultdict(float)
        self.layer = ""
        self.inside = False

    def wrap(self, label, function, layer=None):
        def timed_call(*args, **kwargs):
            if layer is not None:
                self.layer = layer
            full_label = label if layer is not None else f"{self.layer} {label}"
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[full_label] += time.perf_counter() - start
        return timed_call

    def wrap_layer_method(self, cls, name, label_of):
        """Charge every call of the method ``cls.name`` to the layer label ``label_of(layer) + " " + name``.

        A model runs each layer through a call of its own (`Layer.new_call`, a copy of the layer), so the
        class is the place to wrap; a layer step called from inside another (Dense's backward calls its
        backward_preactivation) is charged once, to the outer one.
        """
        function = getattr(cls, name)

        def timed_method(layer, *args, **kwargs):
            if self.inside:
                return function(layer, *args, **kwargs)
            self.inside = True
            try:
                return self.wrap(f"{label_of(layer)} {name}", function, label_of(layer))(layer, *args, **kwargs)
            finally:
                self.inside = False
        setattr(cls, name, timed_method)

    def report(self, title, total, rest="loss, SGD update, batching (the rest)"):
        """Print each label's seconds and share of ``total``; labels with two spaces (kernels) are inside
        a layer step and not added again to the accounted time."""
        print(title)
        accounted = 0.0
        for label, seconds in self.seconds.items():
            if "  " not in label:
                accounted += seconds
            print(f"  {label:<64} {seconds:6.2f} s  {100 * seconds / total:5.1f}%")
        print(f"  {rest:<64} {total - accounted:6.2f} s  {100 * (total - accounted) / total:5.1f}%")


def seconds_per_call(function, calls):
    """The mean wall time of ``calls`` consecutive calls of ``function()``."""
    start = time.perf_counter()
    for _ in range(calls):
        function()
    return (time.perf_counter() - start) / calls
