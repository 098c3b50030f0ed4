"""Batch chunks: the loop every convolution and pooling kernel runs its memory-bound work in."""


def for_each_chunk(function, batch, chunk):
    """Call ``function(start, stop)`` for consecutive batch slices of at most ``chunk`` samples."""
    for start in range(0, batch, chunk):
        function(start, min(start + chunk, batch))
