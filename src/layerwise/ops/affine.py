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
``fill_value``) so that every corner index is valid and no per-pixel mask is needed.
"""

from typing import NamedTuple

import numpy as np

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("bilinear", "nearest")


class Sampling(NamedTuple):
    """What the backward pass needs: flat top-left corner indices into the padded batch and weights."""

    index: np.ndarray
    weight_x: np.ndarray
    weight_y: np.ndarray
    padded_shape: tuple


def _fold(coordinate, length, fill_mode):
    """Map continuous coordinates into the range the fill mode reads from (TF's map_coordinate)."""
    if fill_mode == "reflect":
        period = 2 * length
        coordinate = np.mod(coordinate, period)
        coordinate = np.where(coordinate >= length, period - 1 - coordinate, coordinate)
    elif fill_mode == "wrap":
        coordinate = np.mod(coordinate, length)
    low = -1 if fill_mode == "constant" else 0
    return np.clip(coordinate, low, length - 1 + (fill_mode == "constant"), out=coordinate)


def _source_points(transforms, height, width, dtype):
    """x_in and y_in of every output pixel, each of shape (N, height * width)."""
    rows, cols = np.divmod(np.arange(height * width, dtype=dtype), dtype(width))
    t = transforms.astype(dtype, copy=False)
    x_in = t[:, 0:1] * cols + t[:, 1:2] * rows + t[:, 2:3]
    y_in = t[:, 3:4] * cols + t[:, 4:5] * rows + t[:, 5:6]
    return x_in, y_in


def _corner(coordinate, length, fill_mode, interpolation):
    """Integer corner (top/left, in unpadded coordinates) and the weight of the next one."""
    if interpolation == "nearest":
        return np.floor(coordinate + 0.5).astype(np.intp), None
    low = -1 if fill_mode == "constant" else 0
    corner = np.clip(np.floor(coordinate), low, length - 1)
    return corner.astype(np.intp), coordinate - corner


def affine_resample(images, transforms, interpolation="bilinear", fill_mode="reflect", fill_value=0.0):
    """Resample a batch of images (N, H, W, C) through per-image affine transforms (N, 6).

    Returns:
        The resampled batch (same shape and dtype) and the `Sampling` for `affine_resample_backward`.
    """
    n, height, width, channels = images.shape
    dtype = images.dtype.type
    padded = np.full((n, height + 2, width + 2, channels), fill_value if fill_mode == "constant" else 0,
                     dtype=images.dtype)
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(-1, channels)
    x_in, y_in = _source_points(transforms, height, width, dtype)
    col, weight_x = _corner(_fold(x_in, width, fill_mode), width, fill_mode, interpolation)
    row, weight_y = _corner(_fold(y_in, height, fill_mode), height, fill_mode, interpolation)
    stride = width + 2
    index = ((np.arange(n)[:, None] * (height + 2) + row + 1) * stride + col + 1).ravel()
    sampling = Sampling(index, weight_x, weight_y, padded.shape)
    if interpolation == "nearest":
        return flat[index].reshape(images.shape), sampling
    weight_x, weight_y = weight_x.reshape(-1, 1), weight_y.reshape(-1, 1)
    top = flat[index]
    top += weight_x * (flat[index + 1] - top)
    bottom = flat[index + stride]
    bottom += weight_x * (flat[index + stride + 1] - bottom)
    bottom -= top
    bottom *= weight_y
    top += bottom
    return top.reshape(images.shape), sampling


def affine_resample_backward(dy, sampling):
    """dJ/dx of `affine_resample`: scatter each output gradient back to the corners it read, weighted."""
    n, height, width, channels = dy.shape
    size = int(np.prod(sampling.padded_shape[:3]))
    grad = dy.reshape(-1, channels)
    if sampling.weight_x is None:
        index, weights = sampling.index, grad
    else:
        stride = width + 2
        wx, wy = sampling.weight_x.reshape(-1, 1), sampling.weight_y.reshape(-1, 1)
        right, lower = grad * wx, grad * wy
        lower_right = right * wy
        index = np.concatenate([sampling.index + offset for offset in (0, 1, stride, stride + 1)])
        weights = np.concatenate([grad - right - lower + lower_right, right - lower_right,
                                  lower - lower_right, lower_right])
    padded = np.stack([np.bincount(index, weights=weights[:, c], minlength=size) for c in range(channels)],
                      axis=-1)
    return padded.reshape(sampling.padded_shape)[:, 1:-1, 1:-1].astype(dy.dtype)
