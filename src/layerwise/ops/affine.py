"""Batched affine resampling of images: the kernel behind RandomTranslation, RandomRotation and RandomZoom.

Each image n has a transform T_n = [a0, a1, a2, b0, b1, b2] (Keras's projective transform without the
perspective terms) that maps an OUTPUT pixel (x, y) (column, row) to the INPUT point it samples:

    x_in = a0 x + a1 y + a2,    y_in = b0 x + b1 y + b2,    y[n, row, col, c] = x[n](y_in, x_in, c).

Points outside the image follow Keras's ``fill_mode``: ``reflect`` (d c b a | a b c d | d c b a),
``wrap`` (a b c d | a b c d | a b c d), ``nearest`` (a a a a | a b c d | d d d d) or ``constant``
(k k k k | a b c d | k k k k with k = ``fill_value``). ``bilinear`` interpolation mixes the four
neighbours, y = sum_k w_k x[i_k], so for fixed transforms the output is linear in x and its
input gradient is the transpose, dJ/dx[i] = sum over (output p, corner k) with i_k(p) = i of
w_k(p) dJ/dy[p]. ``nearest`` interpolation uses one neighbour.

All images of the batch are resampled at once: the four corners of every output pixel are gathered from
the padded batch by flat indices, and gradients are scattered back with ``np.bincount``.

Everything runs in the calling thread. Splitting the batch over a thread pool was measured on this machine
and made the MNIST training step slower: two threads each resampling half the batch took as long as one
thread for all of it (the passes are memory-bound, as in `layerwise.ops._blocks`).
"""

import functools
import threading
from typing import NamedTuple, Optional, Tuple

import numpy as np

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")

_local = threading.local()


class Sampling(NamedTuple):
    """What the backward pass needs: flat top-left corner indices (M,) into the padded batch and
    its shape, and the weights: None for nearest interpolation, else the fractions (w_x, w_y), each
    of shape (M,), of the right and lower neighbours."""

    index: np.ndarray
    weights: Optional[Tuple[np.ndarray, np.ndarray]]
    padded_shape: tuple


def affine_resample(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Resample a batch of images (N, H, W, C) through per-image affine transforms (N, 6).

    Returns:
        The resampled batch (same shape and dtype) and the sampling for `affine_resample_backward`.
    """
    n, height, width, channels = images.shape
    padded = _padded(images, fill_value if fill_mode == "constant" else 0)
    stride = padded.shape[2]
    flat = padded.reshape(-1, channels)
    points = _source_points(transforms, height, width, images.dtype)
    col, weight_x = _corners(points[0], width, fill_mode, interpolation)
    row, weight_y = _corners(points[1], height, fill_mode, interpolation)
    # row * stride + col is exact in floating point (a pixel of one padded image); the batch offset of
    # each image needs intp.
    row *= stride
    index = np.empty((n, height * width), np.intp)
    np.add(row.reshape(n, -1), col.reshape(n, -1), out=index, casting="unsafe")
    index += ((np.arange(n) * (height + 3) + 1) * stride + 1)[:, None]
    index = index.reshape(-1)
    weights = None if weight_x is None else (weight_x, weight_y)
    sampling = Sampling(index, weights, padded.shape)
    top = np.take(flat, index, axis=0)
    if weights is not None:
        weight_x, weight_y = weight_x[:, None], weight_y[:, None]
        # flat[offset:][index] is flat[index + offset] without building the shifted index array.
        _lerp(top, np.take(flat[1:], index, axis=0), weight_x)
        bottom = _lerp(np.take(flat[stride:], index, axis=0), np.take(flat[stride + 1:], index, axis=0), weight_x)
        _lerp(top, bottom, weight_y)
    return top.reshape(images.shape), sampling


def affine_resample_backward(dy, sampling: Sampling):
    """dJ/dx of `affine_resample`: scatter each output gradient back to the corners it read, weighted.

    Each corner k is scattered at the top-left index with ``np.bincount`` and then shifted by its
    offset (0, 1, W + 3, W + 4) in the padded image, so no index array is built per corner.
    """
    size = int(np.prod(sampling.padded_shape[:3]))
    stride = sampling.padded_shape[2]
    channels = dy.shape[3]
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
    return padded.reshape(sampling.padded_shape)[:, 1:-2, 1:-2].astype(dy.dtype)


def _scatter(index, weights, size):
    return np.bincount(index, weights=weights, minlength=size)


def _source_points(transforms, height, width, dtype):
    """x_in and y_in of every output pixel, shape (2, N * H * W), as (2N, 3) x (3, HW).

    By ``np.einsum``'s own loop rather than a matmul: OpenBLAS runs that skinny GEMM on its threads,
    and waking them costs milliseconds when the other core is busy.
    """
    coefficients = transforms.reshape(-1, 2, 3).transpose(1, 0, 2).reshape(-1, 3).astype(dtype)
    return np.einsum("ck,kp->cp", coefficients, _grid(height, width, dtype)).reshape(2, -1)


@functools.lru_cache(maxsize=16)
def _grid(height, width, dtype):
    """Rows (column x, row y, 1) of every output pixel, (3, height * width), cached per image size."""
    rows, cols = np.divmod(np.arange(height * width, dtype=dtype), dtype.type(width))
    return np.stack([cols, rows, np.ones_like(rows)])


def _corners(points, length, fill_mode, interpolation):
    """Fold coordinates of one axis (in place) into the range the fill mode reads (TF's map_coordinate)
    and return the top/left corner (integer-valued floats) and, for bilinear interpolation, the weight
    of the next one (``points``, overwritten).

    Corners lie in [-1, length] (constant fill) or [0, length - 1], and the next one's weight is 0 at
    length, so a padding of one pixel before and two after makes every read valid.
    """
    if fill_mode in ("reflect", "wrap"):
        period = 2 * length if fill_mode == "reflect" else length
        points -= period * np.floor(points * (1 / period))
        if fill_mode == "reflect":
            np.subtract(period - 1, points, out=points, where=points >= length)
    low, high = (-1, length) if fill_mode == "constant" else (0, length - 1)
    np.clip(points, low, high, out=points)
    if interpolation == "nearest":
        points += 0.5
        return np.floor(points), None
    corner = np.floor(points)
    points -= corner
    return corner, points


def _padded(images, fill):
    """The images with one row/column of ``fill`` before and two after, in an array of this thread
    that is reused while the shape and fill stay the same: only the inside is written again."""
    n, height, width, channels = images.shape
    key = ((n, height + 3, width + 3, channels), images.dtype, fill)
    if getattr(_local, "padded_key", None) != key:
        _local.padded, _local.padded_key = np.full(key[0], fill, images.dtype), key
    _local.padded[:, 1:-2, 1:-2] = images
    return _local.padded


def _lerp(first, second, weight):
    """first + weight (second - first), into ``first``; ``second`` is overwritten."""
    second -= first
    second *= weight
    first += second
    return first
