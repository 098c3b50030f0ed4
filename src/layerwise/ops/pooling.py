"""Max and average pooling of channels-last tensors (lecture 004: subsampling), one window offset at a time.

A pooling window of (ph, pw) with strides (sh, sw) is a `ConvGeometry` without weights: for each offset
(i, j) of the window, `ConvGeometry.window` is the strided view of the input that offset meets, so

    max pooling:      y = max_{i, j} window_ij(x_p),  argmax[n, p, q, c] = the first offset attaining it
    average pooling:  y = sum_{i, j} window_ij(x_p) / count,

where count is the number of unpadded inputs in the window (TensorFlow's 'same', PyTorch's
count_include_pad=False). For the common 2x2 window with stride 2 the windows are the four
interleaved quarters of x, i.e. the reshape (N, Ho, 2, Wo, 2, C). Backward routes dJ/dy to the argmax
position (max) or spreads dJ/dy / count over the window (average); overlapping windows add up.
"""

import numpy as np

from layerwise.ops._parallel import for_each_chunk
from layerwise.ops.conv import ConvGeometry, batch_chunk, crop_spatial, pad_spatial


def pool_geometry(input_hw, pool_size, strides, padding):
    """The `ConvGeometry` of a pooling window (no dilation, one group)."""
    return ConvGeometry.create(input_hw, pool_size, strides, (1, 1), padding)


def max_pool_forward(x, geometry):
    """Return (y, argmax): the window maxima and, per output, the index of the first maximal offset."""
    padded = pad_spatial(x, geometry.pads, -np.inf)
    n, c = len(x), x.shape[-1]
    y = np.empty((n,) + geometry.output_hw + (c,), dtype=x.dtype)
    argmax = np.zeros(y.shape, dtype=np.uint8 if len(geometry.offsets) < 256 else np.int32)

    def run(start, stop):
        part, best, index = padded[start:stop], y[start:stop], argmax[start:stop]
        for offset, (i, j) in enumerate(geometry.offsets):
            candidate = geometry.window(part, i, j)
            if offset == 0:
                best[...] = candidate
                continue
            larger = candidate > best
            index[larger] = offset
            np.maximum(best, candidate, out=best)

    for_each_chunk(run, n, _chunk(x))
    return y, argmax


def max_pool_backward(dy, argmax, geometry):
    """dJ/dx: each dJ/dy goes to the input its window's maximum came from."""
    padded_grad = _padded_zeros(dy, geometry)

    def run(start, stop):
        target, grad, index = padded_grad[start:stop], dy[start:stop], argmax[start:stop]
        for offset, (i, j) in enumerate(geometry.offsets):
            window = geometry.window(target, i, j)
            np.add(window, grad, out=window, where=index == offset)

    for_each_chunk(run, len(dy), _chunk(dy))
    return crop_spatial(padded_grad, geometry.pads, geometry.input_hw)


def _window_counts(geometry, dtype):
    """How many unpadded inputs each output window covers, (Ho, Wo, 1); None when all are full."""
    if not any(before or after for before, after in geometry.pads):
        return None
    ones = pad_spatial(np.ones((1,) + geometry.input_hw + (1,), dtype=dtype), geometry.pads)
    return sum(geometry.window(ones, i, j) for i, j in geometry.offsets)[0]


def average_pool_forward(x, geometry):
    """y = the mean of the unpadded inputs in each window."""
    padded = pad_spatial(x, geometry.pads)
    y = np.zeros((len(x),) + geometry.output_hw + (x.shape[-1],), dtype=x.dtype)
    for i, j in geometry.offsets:
        y += geometry.window(padded, i, j)
    counts = _window_counts(geometry, x.dtype)
    if counts is None:
        y *= 1.0 / len(geometry.offsets)
    else:
        y /= counts
    return y


def average_pool_backward(dy, geometry):
    """dJ/dx: dJ/dy / count added to every input of the window."""
    counts = _window_counts(geometry, dy.dtype)
    share = dy * (1.0 / len(geometry.offsets)) if counts is None else dy / counts
    padded_grad = _padded_zeros(dy, geometry)
    for i, j in geometry.offsets:
        geometry.window(padded_grad, i, j)[...] += share
    return crop_spatial(padded_grad, geometry.pads, geometry.input_hw)


def _padded_zeros(dy, geometry):
    return np.zeros((len(dy),) + geometry.padded_hw + (dy.shape[-1],), dtype=dy.dtype)


def _chunk(x):
    """Chunks of the batch small enough to stay in cache-friendly sizes and to split across threads."""
    return batch_chunk(x[0].nbytes, len(x), budget=8 * 2**20)
