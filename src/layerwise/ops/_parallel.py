"""The second core for memory-bound work: a batch split into one slice per core, run in threads.

NumPy runs a copy or a ufunc on one thread but releases the GIL inside it, so slices of a batch copied
or transformed in a small thread pool run in parallel. Only element-wise and copy work goes here:
matrix products already use every core through BLAS.
"""

import os
from concurrent.futures import ThreadPoolExecutor

_THREADS = min(2, os.cpu_count() or 1)
#: Below this many bytes per slice, starting threads costs more than it saves.
MIN_BYTES_PER_THREAD = 256 * 2**10
_pool = None


def for_each_slice(function, batch, bytes_per_sample):
    """Call ``function(start, stop)`` on consecutive slices of ``range(batch)``, one per core, concurrently."""
    global _pool
    threads = max(1, min(_THREADS, batch, batch * bytes_per_sample // MIN_BYTES_PER_THREAD))
    if threads == 1:
        function(0, batch)
        return
    if _pool is None:
        _pool = ThreadPoolExecutor(_THREADS, thread_name_prefix="layerwise")
    bounds = [batch * k // threads for k in range(threads + 1)]
    futures = [_pool.submit(function, start, stop) for start, stop in zip(bounds[:-1], bounds[1:])]
    for future in futures:
        future.result()


#: Slices of at most this many bytes stay in a core's L2 cache between consecutive element-wise passes.
CACHE_BLOCK_BYTES = 256 * 2**10


def for_each_block(function, batch, bytes_per_sample):
    """Like `for_each_slice`, but each core walks its slice in cache-sized blocks, so that several
    element-wise passes in ``function`` (bias, then activation) read memory once."""
    per_block = max(1, CACHE_BLOCK_BYTES // max(bytes_per_sample, 1))

    def walk(start, stop):
        for block in range(start, stop, per_block):
            function(block, min(block + per_block, stop))

    for_each_slice(walk, batch, bytes_per_sample)
