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

Two paths compute the same map. The general one gathers the four corners of every output pixel from the
padded batch by flat indices and scatters gradients back with ``np.bincount``. Without rotation or shear
(a1 = b0 = 0: translations and zooms) x_in depends only on the column and y_in only on the row, the
interpolation is a 1-D one along each axis, and per image y = A_y x A_x^T (per channel) with (H, H) and
(W, W) matrices of 1-D weights (`_axis_matrix`): two batched matmuls forward, their transposes backward.

Everything runs in the calling thread. Splitting the batch over a thread pool was measured on this machine
and made the MNIST training step slower: two threads each resampling half the batch took as long as one
thread for all of it (the passes are memory-bound, as in `layerwise.ops._blocks`).
"""

import functools
import threading
from typing import NamedTuple, Optional, Tuple, Union

import numpy as np

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")

_local = threading.local()


class GatherSampling(NamedTuple):
    """What the general path's backward needs: flat top-left corner indices (M,) into the padded batch
    and its shape, and the weights: None for nearest interpolation, else the fractions (w_x, w_y), each
    of shape (M,), of the right and lower neighbours."""

    index: np.ndarray
    weights: Optional[Tuple[np.ndarray, np.ndarray]]
    padded_shape: tuple


class SeparableSampling(NamedTuple):
    """What the separable path's backward needs: the matrices A_y (N, H, H) and A_x (N, W, W)."""

    rows: np.ndarray
    cols: np.ndarray


def affine_resample(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Resample a batch of images (N, H, W, C) through per-image affine transforms (N, 6).

    Returns:
        The resampled batch (same shape and dtype) and the sampling for `affine_resample_backward`.
    """
    separable = not transforms[:, [1, 3]].any()
    return (_separable_resample if separable else _gather_resample)(images, transforms, interpolation,
                                                                    fill_mode, fill_value)


def affine_resample_backward(dy, sampling: Union[GatherSampling, SeparableSampling]):
    """dJ/dx of `affine_resample`: the transposed resampling of dJ/dy."""
    if isinstance(sampling, SeparableSampling):
        return _mix(sampling.rows.transpose(0, 2, 1), sampling.cols.transpose(0, 2, 1), dy)
    return _gather_backward(dy, sampling)


def _gather_resample(images, transforms, interpolation, fill_mode, fill_value):
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
    sampling = GatherSampling(index, weights, padded.shape)
    top = np.take(flat, index, axis=0)
    if weights is not None:
        weight_x, weight_y = weight_x[:, None], weight_y[:, None]
        # flat[offset:][index] is flat[index + offset] without building the shifted index array.
        _lerp(top, np.take(flat[1:], index, axis=0), weight_x)
        bottom = _lerp(np.take(flat[stride:], index, axis=0), np.take(flat[stride + 1:], index, axis=0), weight_x)
        _lerp(top, bottom, weight_y)
    return top.reshape(images.shape), sampling


def _gather_backward(dy, sampling):
    """Scatter each output gradient back to the corners it read, weighted: each corner k is scattered at
    the top-left index with ``np.bincount`` and then shifted by its offset (0, 1, W + 3, W + 4) in the
    padded image, so no index array is built per corner."""
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


def _separable_resample(images, transforms, interpolation, fill_mode, fill_value):
    """y = A_y x A_x^T, plus k (1 - A_y 1 (A_x 1)^T) for constant fill: the corners outside the image
    are left out of the matrices, and the weight they had reads the fill value."""
    height, width = images.shape[1:3]
    rows = _axis_matrix(transforms[:, 4], transforms[:, 5], height, images.dtype, fill_mode, interpolation)
    cols = _axis_matrix(transforms[:, 0], transforms[:, 2], width, images.dtype, fill_mode, interpolation)
    output = _mix(rows, cols, images)
    if fill_mode == "constant" and fill_value != 0:
        outside = 1 - rows.sum(2)[:, :, None, None] * cols.sum(2)[:, None, :, None]
        output += fill_value * outside
    return output, SeparableSampling(rows, cols)


def _axis_matrix(scale, offset, length, dtype, fill_mode, interpolation):
    """The (N, length, length) matrices of one axis's interpolation at p_i = scale i + offset.

    With the corner c_i and weight w_i of `_corners`, A[i, c_i] = 1 - w_i and A[i, c_i + 1] = w_i
    (bilinear) or A[i, c_i] = 1 (nearest); columns outside [0, length) are dropped.
    """
    points = scale.astype(dtype)[:, None] * np.arange(length, dtype=dtype)
    points += offset.astype(dtype)[:, None]
    corner, weight = _corners(points, length, fill_mode, interpolation)
    # Column k is pixel k - 1: pixels -1 .. length + 1 hold every corner and its neighbour.
    matrix = np.zeros((len(points), length, length + 3), dtype)
    index = corner.astype(np.intp) + np.arange(1, matrix.size, length + 3).reshape(corner.shape)
    flat = matrix.reshape(-1)
    if weight is None:
        flat[index] = 1
    else:
        flat[index] = 1 - weight
        flat[index + 1] = weight
    return matrix[:, :, 1:-2]


def _mix(rows, cols, images):
    """rows[n] @ images[n, :, :, c] @ cols[n]^T for every image n and channel c, by two batched matmuls:
    rows (N, H', H), images (N, H, W, C), cols (N, W', W) -> (N, H', W', C)."""
    n, height, width, channels = images.shape
    out_height, out_width = rows.shape[1], cols.shape[1]
    mixed = rows @ images.reshape(n, height, width * channels)
    # Channels before columns (free for C = 1), so that cols multiplies rows of pixels.
    per_channel = mixed.reshape(n, out_height, width, channels).transpose(0, 1, 3, 2)
    output = per_channel.reshape(n, out_height * channels, width) @ cols.transpose(0, 2, 1)
    return np.ascontiguousarray(output.reshape(n, out_height, channels, out_width).transpose(0, 1, 3, 2),
                                dtype=images.dtype)


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
