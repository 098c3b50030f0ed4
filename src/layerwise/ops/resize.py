"""Image resizing (and adaptive average pooling) as two small matrices, and Keras's centred crop of an aspect
ratio.

Resizing (N, H, W, C) to (N, h, w, C) is y = R_h x R_wᵀ per image and channel, with R_h (h, H) and R_w (w, W)
the interpolation weights along each axis; the backward pass is dJ/dx = R_hᵀ dJ/dy R_w. Output pixel i samples
the input at the half-pixel-centred coordinate s = (i + 1/2) H/h - 1/2 (TensorFlow's and JAX's resize, PyTorch's
``align_corners=False``):

- "bilinear": weights 1 - f and f on floor(s) and floor(s) + 1 (f = s - floor(s)), s clamped to [0, H - 1];
- "nearest": weight 1 on min(floor((i + 1/2) H/h), H - 1) (PyTorch's "nearest-exact").
"""

import numpy as np

INTERPOLATIONS = ("bilinear", "nearest")


def resize_matrix(source, target, interpolation, dtype):
    """The (target, source) matrix of one axis's interpolation weights."""
    matrix = np.zeros((target, source), dtype=dtype)
    rows = np.arange(target)
    centres = (rows + 0.5) * (source / target)
    if interpolation == "nearest":
        matrix[rows, np.minimum(np.floor(centres).astype(np.intp), source - 1)] = 1.0
        return matrix
    position = np.clip(centres - 0.5, 0.0, source - 1)
    low = np.floor(position).astype(np.intp)
    high = np.minimum(low + 1, source - 1)
    fraction = position - low
    np.add.at(matrix, (rows, low), 1.0 - fraction)
    np.add.at(matrix, (rows, high), fraction)
    return matrix


def adaptive_average_matrix(source, target, dtype):
    """The (target, source) matrix of adaptive average pooling: output i averages the inputs floor(i S/T) to
    ceil((i + 1) S/T) - 1 (PyTorch's and Keras's windows)."""
    rows = np.arange(target)
    starts, ends = (rows * source) // target, -((-(rows + 1) * source) // target)
    columns = np.arange(source)
    inside = (columns >= starts[:, None]) & (columns < ends[:, None])
    return (inside / (ends - starts)[:, None]).astype(dtype)


def resize(images, rows, columns):
    """y[n, i, j, c] = sum_a sum_b rows[i, a] images[n, a, b, c] columns[j, b]."""
    return np.einsum("ia,nabc,jb->nijc", rows, images, columns, optimize=True)


def resize_backward(dy, rows, columns):
    """dJ/dx of `resize`: the transposed weights applied to dJ/dy."""
    return np.einsum("ia,nijc,jb->nabc", rows, dy, columns, optimize=True)


def along_axes(x, matrices):
    """y = x with spatial axis a (1, 2 ...) mapped by matrices[a - 1] (target, source): y[n, i, j, ..., c] =
    sum_{a, b, ...} M_1[i, a] M_2[j, b] ... x[n, a, b, ..., c]; `resize` for any number of axes. Its backward is
    ``along_axes(dy, [M.T for M in matrices])``."""
    for axis, matrix in enumerate(matrices, start=1):
        x = np.moveaxis(np.tensordot(matrix, x, axes=(1, axis)), 0, axis)
    return np.ascontiguousarray(x)


def aspect_crop_box(height, width, target_height, target_width):
    """Keras's centred crop of an (H, W) image to the aspect ratio of (h, w): (top, left, crop height, crop width)."""
    crop_height = max(min(height, int(width * target_height / target_width)), 1)
    crop_width = max(min(width, int(height * target_width / target_height)), 1)
    return int((height - crop_height) / 2), int((width - crop_width) / 2), crop_height, crop_width


def adaptive_windows(source, target):
    """(target, w) indices of adaptive pooling's windows along one axis (floor(i S/T) to ceil((i + 1) S/T) - 1),
    each padded to the longest window w by repeating its first index (harmless under a maximum)."""
    rows = np.arange(target)
    starts, ends = (rows * source) // target, -((-(rows + 1) * source) // target)
    offsets = np.arange(int((ends - starts).max()))
    return np.where(offsets < (ends - starts)[:, None], starts[:, None] + offsets, starts[:, None])


def window_max(x, windows, axis):
    """The maximum of x over each window of indices along ``axis`` (the windows' axis replaces it), and where."""
    gathered = np.take(x, windows, axis=axis)  # the axis becomes (target, w)
    position = np.expand_dims(gathered.argmax(axis=axis + 1), axis + 1)
    return np.take_along_axis(gathered, position, axis=axis + 1).squeeze(axis + 1), windows[
        np.arange(len(windows)).reshape((-1,) + (1,) * (x.ndim - axis - 1)), position.squeeze(axis + 1)]


def window_max_backward(dy, source_indices, source, axis):
    """dJ/dx of `window_max`: each window's gradient added to the entry that held its maximum."""
    shape = list(dy.shape)
    shape[axis] = source
    dx = np.zeros(shape, dtype=dy.dtype)
    index = list(np.indices(dy.shape, sparse=True))
    index[axis] = source_indices
    np.add.at(dx, tuple(index), dy)
    return dx
