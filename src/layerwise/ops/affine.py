"""Batched affine resampling of images: the kernel behind RandomTranslation, RandomRotation and RandomZoom.

Each image n has a transform T_n = [a0, a1, a2, b0, b1, b2] (Keras's projective transform without the
perspective terms) that maps an OUTPUT pixel (x, y) (column, row) to the INPUT point it samples:

    x_in = a0 x + a1 y + a2,    y_in = b0 x + b1 y + b2,    y[n, row, col, c] = x[n](y_in, x_in, c).

Points outside the image follow Keras's ``fill_mode``: ``reflect`` (d c b a | a b c d | d c b a),
``wrap`` (a b c d | a b c d | a b c d), ``nearest`` (a a a a | a b c d | d d d d) or ``constant``
(k k k k | a b c d | k k k k with k = ``fill_value``). ``bilinear`` interpolation mixes the four
neighbours, y = sum_k w_k x[i_k], so for fixed transforms the output is linear in x and its
input gradient is the transpose, dJ/dx[i] = sum over (output p, corner k) with i_k(p) = i of
w_k(p) dJ/dy[p], accumulated with ``np.bincount``. ``nearest`` interpolation uses one neighbour.

All images of the batch are resampled at once: the image is padded by one pixel (holding
``fill_value``) so that every corner index is valid and no per-pixel mask is needed. The batch is
split into one chunk per core: NumPy's element-wise work runs on one thread but releases the GIL, so
the chunks run in parallel on a small thread pool (performance.md).
"""

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from typing import List, NamedTuple, Optional, Tuple

import numpy as np

_WORKERS = min(os.cpu_count() or 1, 4)
_MIN_CHUNK = 16
_pool: Optional[ThreadPoolExecutor] = None

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


class Sampling(NamedTuple):
    """What the backward pass needs for one chunk of images: flat top-left corner indices into the
    padded chunk, and weights.

    ``weights`` is None for nearest interpolation, else the fractions (w_x, w_y), each of shape (M,),
    of the right and lower neighbours.
    """

    index: np.ndarray
    weights: Optional[Tuple[np.ndarray, np.ndarray]]
    padded_shape: tuple


def _source_points(transforms, height, width, dtype):
    """x_in and y_in of every output pixel, shape (2, N, height * width), by one (2N, 3) x (3, HW) matmul."""
    coefficients = transforms.reshape(-1, 2, 3).transpose(1, 0, 2).reshape(-1, 3).astype(dtype)
    return (coefficients @ _grid(height, width, dtype)).reshape(2, len(transforms), height * width)


@functools.lru_cache(maxsize=16)
def _grid(height, width, dtype):
    """Rows (column x, row y, 1) of every output pixel, (3, height * width), cached per image size."""
    rows, cols = np.divmod(np.arange(height * width, dtype=dtype), dtype.type(width))
    return np.stack([cols, rows, np.ones_like(rows)])


def _corners(points, length, fill_mode, interpolation):
    """Fold coordinates of one axis into the range the fill mode reads (TF's map_coordinate) and
    return the top/left corner (integer-valued floats) and, for bilinear interpolation, the weight of
    the next one."""
    if fill_mode in ("reflect", "wrap"):
        period = 2 * length if fill_mode == "reflect" else length
        points -= period * np.floor(points * (1 / period))
        if fill_mode == "reflect":
            points = np.where(points >= length, (period - 1) - points, points)
    low, high = (-1, length) if fill_mode == "constant" else (0, length - 1)
    np.clip(points, low, high, out=points)
    if interpolation == "nearest":
        return np.floor(points + 0.5), None
    corner = np.floor(points)
    np.minimum(corner, length - 1, out=corner)
    points -= corner
    return corner, points


def _chunk_bounds(count):
    """Start and stop of one chunk of the batch per worker (chunks of at least _MIN_CHUNK images)."""
    bounds = np.linspace(0, count, max(1, min(_WORKERS, count // _MIN_CHUNK)) + 1).astype(int)
    return list(zip(bounds[:-1], bounds[1:]))


def _parallel(function, argument_lists):
    """Run ``function(*arguments)`` for each list, the first in the calling thread and the others on
    the pool; return the results in order."""
    global _pool
    if len(argument_lists) == 1:
        return [function(*argument_lists[0])]
    if _pool is None:
        _pool = ThreadPoolExecutor(_WORKERS - 1, thread_name_prefix="layerwise-affine")
    futures = [_pool.submit(function, *arguments) for arguments in argument_lists[1:]]
    return [function(*argument_lists[0])] + [future.result() for future in futures]


def _joined(parts):
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def affine_resample(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Resample a batch of images (N, H, W, C) through per-image affine transforms (N, 6).

    Returns:
        The resampled batch (same shape and dtype) and the list of per-chunk `Sampling` for
        `affine_resample_backward`.
    """
    def resample(chunk, chunk_transforms):
        return _resample(chunk, chunk_transforms, interpolation, fill_mode, fill_value)

    results = _parallel(resample, [(images[start:stop], transforms[start:stop])
                                   for start, stop in _chunk_bounds(len(images))])
    return _joined([output for output, _ in results]), [sampling for _, sampling in results]


def _resample(images, transforms, interpolation, fill_mode, fill_value):
    n, height, width, channels = images.shape
    padded = np.full((n, height + 2, width + 2, channels), fill_value if fill_mode == "constant" else 0,
                     dtype=images.dtype)
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(-1) if channels == 1 else padded.reshape(-1, channels)
    x_in, y_in = _source_points(transforms, height, width, images.dtype)
    col, weight_x = _corners(x_in, width, fill_mode, interpolation)
    row, weight_y = _corners(y_in, height, fill_mode, interpolation)
    stride = width + 2
    # The offset inside one padded image is exact in floating point; only the batch offset needs intp.
    row *= stride
    row += col
    index = row.astype(np.intp)
    index += (np.arange(n) * (height + 2) + 1)[:, None] * stride + 1
    index = index.ravel()
    weights = None if weight_x is None else (weight_x.ravel(), weight_y.ravel())
    sampling = Sampling(index, weights, padded.shape)
    if weights is None:
        return np.take(flat, index, axis=0).reshape(images.shape), sampling
    weight_x, weight_y = (w[:, None] for w in weights) if channels > 1 else weights
    # flat[offset:][index] is flat[index + offset] without building the shifted index array.
    top = np.take(flat, index, axis=0)
    top += weight_x * (np.take(flat[1:], index, axis=0) - top)
    bottom = np.take(flat[stride:], index, axis=0)
    bottom += weight_x * (np.take(flat[stride + 1:], index, axis=0) - bottom)
    bottom -= top
    bottom *= weight_y
    top += bottom
    return top.reshape(images.shape), sampling


def _scatter(index, weights, size):
    return np.bincount(index, weights=weights, minlength=size)


def affine_resample_backward(dy, samplings: List[Sampling]):
    """dJ/dx of `affine_resample`: scatter each output gradient back to the corners it read, weighted.

    Each corner k is scattered at the top-left index with ``np.bincount`` and then shifted by its
    offset (0, 1, W + 2, W + 3) in the padded image, so no index array is built per corner.
    """
    bounds = np.cumsum([0] + [sampling.padded_shape[0] for sampling in samplings])
    return _joined(_parallel(_resample_backward, [(dy[start:stop], sampling) for start, stop, sampling
                                                  in zip(bounds[:-1], bounds[1:], samplings)]))


def _resample_backward(dy, sampling):
    n, height, width, channels = dy.shape
    size = int(np.prod(sampling.padded_shape[:3]))
    stride = width + 2
    grad = dy.reshape(-1, channels)
    padded = np.empty((size, channels), dtype=np.float64)
    for c in range(channels):
        g = grad[:, c]
        if sampling.weights is None:
            padded[:, c] = _scatter(sampling.index, g, size)
            continue
        weight_x, weight_y = sampling.weights
        right = g * weight_x
        lower_right = right * weight_y
        lower = g * weight_y
        lower -= lower_right
        left = g - right
        left -= lower
        right -= lower_right
        total = _scatter(sampling.index, left, size)
        total[1:] += _scatter(sampling.index, right, size)[:-1]
        total[stride:] += _scatter(sampling.index, lower, size)[:-stride]
        total[stride + 1:] += _scatter(sampling.index, lower_right, size)[:-stride - 1]
        padded[:, c] = total
    return padded.reshape(sampling.padded_shape)[:, 1:-1, 1:-1].astype(dy.dtype)
