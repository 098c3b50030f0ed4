"""Cache-sized blocks of a batch for consecutive element-wise passes.

Splitting these passes over both cores with a thread pool was measured on this machine and made the
benchmark network 3-7% slower, training and inference alike. The second core is not free: after each
matrix product OpenBLAS's worker thread spins on it, waiting for the next (OPENBLAS_THREAD_TIMEOUT).
Alone, two threads pool a 12.8 MB feature map in 0.95 ms against 1.82 ms; right after a GEMM they are
slower than one (3.34 against 3.10 ms), and only with the timeout lowered to 2^4 cycles faster (2.17
ms). What does help by default is reading memory once for several passes, which this module arranges. The blocks are sized for the
shared L3 cache (32 MB here), not a core's L2: with 256 KB blocks the per-block Python calls made bias +
ReLU on a 12.8 MB feature map 40% slower (1.48 against 1.05 ms) than with 4 MB blocks.
"""

#: Slices of at most this many bytes stay in cache between consecutive element-wise passes.
CACHE_BLOCK_BYTES = 4 * 2**20


def for_each_block(function, batch, bytes_per_sample):
    """Call ``function(start, stop)`` on consecutive slices of ``range(batch)`` of about `CACHE_BLOCK_BYTES`,
    so that several element-wise passes inside ``function`` (bias, then activation) read memory once."""
    per_block = max(1, CACHE_BLOCK_BYTES // max(bytes_per_sample, 1))
    for start in range(0, batch, per_block):
        function(start, min(start + per_block, batch))
