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

from layerwise.ops import _compiled
from layerwise.ops._lanes import in_lanes, sample_bytes
from layerwise.ops.conv import ConvGeometry, crop_spatial, pad_spatial


def pool_geometry(input_hw, pool_size, strides, padding):
    """The `ConvGeometry` of a pooling window (no dilation, one group)."""
    return ConvGeometry.create(input_hw, pool_size, strides, (1, 1), padding)


def _is_tiling(geometry):
    """Whether the windows tile the input without overlap or padding (e.g. 2x2 with stride 2)."""
    return geometry.kernel_size == geometry.strides and geometry.pads == ((0, 0), (0, 0))


def max_pool_forward(x, geometry, with_argmax=True):
    """Return (y, argmax): the window maxima and the index arrays that locate each one (None unless
    ``with_argmax``: inference needs no backward, and the comparisons cost as much as the maxima).

    Tiling windows (pool size = strides, no padding) run compiled (`layerwise.ops._compiled`: one pass,
    argmax = the window offset i*pw + j) or, with NumPy, are reduced along the width, then along the height,
    on reshaped views whose inner loops run over whole rows; either way the batch is split over lanes
    (`layerwise.ops._lanes`), and ties go to the first offset in row-major order (as PyTorch). Other windows
    run one offset at a time over strided views.
    """
    if _is_tiling(geometry):
        n, c = len(x), x.shape[-1]
        (ho, wo), (ph, pw) = geometry.output_hw, geometry.kernel_size
        y = np.empty((n, ho, wo, c), dtype=x.dtype)
        argmax = None
        if _compiled.runs_on(x) and ph * pw <= 256:  # the offsets must fit the uint8 argmax
            # Inference keeps no argmax, but computing one costs a tenth of the pass: one kernel serves both.
            offsets = np.empty((n, ho, wo, c), np.uint8)
            in_lanes(lambda _, start, stop: _compiled.max_pool_tiles(x[start:stop], ph, pw, y[start:stop],
                                                                     offsets[start:stop]), n, sample_bytes(x))
            return y, (offsets,) if with_argmax else None
        if with_argmax:
            argmax = (np.empty((n, ho * ph, wo, c), np.uint8), np.empty((n, ho, wo, c), np.uint8))

        def lane(_, start, stop):
            _max_pool_tiles(x[start:stop], geometry, y[start:stop],
                            None if argmax is None else tuple(indices[start:stop] for indices in argmax))
        in_lanes(lane, n, sample_bytes(x))
        return y, argmax
    padded = pad_spatial(x, geometry.pads, -np.inf)
    y, argmax = _running_max([geometry.window(padded, i, j) for i, j in geometry.offsets], with_argmax)
    return y, (argmax,) if with_argmax else None


def _running_max(candidates, with_argmax=True, best=None, argmax=None):
    """The elementwise maximum of the candidates, and the index of the first one attaining it (or None),
    written into ``best`` and ``argmax`` when they are given."""
    if len(candidates) == 1:
        if best is None:
            best = candidates[0].copy()
        else:
            best[...] = candidates[0]
        if with_argmax and argmax is None:
            argmax = np.zeros(candidates[0].shape, np.uint8)
        elif with_argmax:
            argmax.fill(0)
        return best, argmax
    best = np.maximum(candidates[0], candidates[1], out=best)
    if with_argmax:
        argmax = np.greater(candidates[1], candidates[0], out=None if argmax is None else argmax.view(np.bool_))
        argmax = argmax.view(np.uint8)
    for index, candidate in enumerate(candidates[2:], start=2):
        if with_argmax:
            np.copyto(argmax, index, where=candidate > best)
        np.maximum(best, candidate, out=best)
    return best, argmax


def _route(dy, argmax, targets):
    """targets[k][...] = dy where argmax == k, else 0 (the backward pass of `_running_max`)."""
    for index, target in enumerate(targets):
        np.multiply(dy, argmax == index, out=target)


def _max_pool_tiles(x, geometry, y, argmax):
    """Tiling max pooling of x into y, and into argmax = (along the width, along the height) unless None."""
    n, c = len(x), x.shape[-1]
    (ho, wo), (ph, pw) = geometry.output_hw, geometry.kernel_size
    column_argmax, row_argmax = argmax or (None, None)
    columns = x[:, :ho * ph, :wo * pw].reshape(n, ho * ph, wo, pw, c)
    row_max, _ = _running_max([columns[:, :, :, j] for j in range(pw)], argmax is not None, argmax=column_argmax)
    rows = row_max.reshape(n, ho, ph, wo, c)
    _running_max([rows[:, :, i] for i in range(ph)], argmax is not None, best=y, argmax=row_argmax)


def max_pool_backward(dy, argmax, geometry):
    """dJ/dx: each dJ/dy goes to the input its window's maximum came from (the first, on ties)."""
    n, c = len(dy), dy.shape[-1]
    (h, w), (ho, wo), (ph, pw) = geometry.input_hw, geometry.output_hw, geometry.kernel_size
    if _is_tiling(geometry):
        covered = (ho * ph, wo * pw) == (h, w)
        dx = (np.empty if covered else np.zeros)((n, h, w, c), dtype=dy.dtype)
        if len(argmax) == 1:  # the compiled forward's window offsets
            in_lanes(lambda _, start, stop: _compiled.route_tiles(dy[start:stop], argmax[0][start:stop], ph, pw,
                                                                  dx[start:stop]), n, sample_bytes(dx))
            return dx

        def lane(_, start, stop):
            column_argmax, row_argmax = (indices[start:stop] for indices in argmax)
            row_grad = np.empty((stop - start, ho, ph, wo, c), dtype=dy.dtype)
            _route(dy[start:stop], row_argmax, [row_grad[:, :, i] for i in range(ph)])
            columns = dx[start:stop, :ho * ph, :wo * pw].reshape(stop - start, ho * ph, wo, pw, c)
            _route(row_grad.reshape(-1, ho * ph, wo, c), column_argmax, [columns[:, :, :, j] for j in range(pw)])
        in_lanes(lane, n, sample_bytes(dx))
        return dx
    padded_grad = _padded_zeros(dy, geometry)
    for offset, (i, j) in enumerate(geometry.offsets):
        window = geometry.window(padded_grad, i, j)
        window += dy * (argmax[0] == offset)
    return _unpad(padded_grad, geometry)


def _unpad(padded, geometry):
    if geometry.pads == ((0, 0), (0, 0)):
        return padded
    return crop_spatial(padded, geometry.pads, geometry.input_hw)


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
    return _unpad(padded_grad, geometry)


def _padded_zeros(dy, geometry):
    return np.zeros((len(dy),) + geometry.padded_hw + (dy.shape[-1],), dtype=dy.dtype)
