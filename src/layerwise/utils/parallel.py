"""Both cores for memory-bound element-wise work.

NumPy runs ufuncs on one thread but releases the GIL inside them, so an element-wise update split into
two halves, one on a helper thread and one on the caller's, uses both cores of this kind of machine
(performance.md: element-wise work is where NumPy loses time to PyTorch).
"""

from concurrent.futures import ThreadPoolExecutor

#: Below this many elements, handing work to a thread costs more than it saves (set on the AMD Zen 3 machine: a
#: thread's round trip, 20-50 us there, against the half of an update it takes over).
PARALLEL_MIN_SIZE = 1 << 17

_pool = None


def helper_pool() -> ThreadPoolExecutor:
    """A single helper thread, created on first use and shared by the library."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="layerwise")
    return _pool


def halves(array):
    """Two contiguous flat views that together cover a C-contiguous array."""
    flat = array.reshape(-1)
    middle = flat.size // 2
    return flat[:middle], flat[middle:]
