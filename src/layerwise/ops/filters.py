"""Separable image filters with zero ("same") padding, one pair of 1-D kernels per image: Gaussian blur and the
3 x 3 box that sharpness blends with.

For images x (N, H, W, C), row kernels r (N, kh) and column kernels k (N, kw) of odd sizes (p = kh // 2,
q = kw // 2), y[n, i, j, c] = sum_a sum_b r[n, a] k[n, b] x[n, i + a - p, j + b - q, c], zeros outside the image
(a correlation, as a depthwise convolution with padding="same"). It is linear in x; its transpose is the same
filter with the kernels reversed, so a symmetric kernel is its own transpose.
"""

import numpy as np


def gaussian_kernels(size, sigma):
    """(N, size) normalised weights exp(-t^2 / 2 sigma_n^2), t = i - (size - 1) / 2, one row per sigma_n."""
    offsets = np.arange(size) - (size - 1) / 2
    weights = np.exp(-0.5 * (offsets / np.asarray(sigma, dtype=np.float64).reshape(-1, 1)) ** 2)
    return weights / weights.sum(axis=1, keepdims=True)


def _filter_axis(x, kernels, axis):
    """Correlate each image of x along ``axis`` (1 rows, 2 columns) with its kernel, zeros outside."""
    size, length = kernels.shape[1], x.shape[axis]
    pad = [(0, 0)] * x.ndim
    pad[axis] = (size // 2, size - 1 - size // 2)
    padded = np.pad(x, pad)
    kernels = kernels.astype(x.dtype, copy=False)
    y = np.zeros_like(x)
    window = [slice(None)] * x.ndim
    for offset in range(size):  # a loop over kernel offsets: each adds one shifted, weighted copy
        window[axis] = slice(offset, offset + length)
        y += kernels[:, offset, None, None, None] * padded[tuple(window)]
    return y


def separable_filter(x, row_kernels, column_kernels):
    """y = x correlated with r along the rows and with k along the columns, per image (zeros outside)."""
    return _filter_axis(_filter_axis(x, row_kernels, 1), column_kernels, 2)


def separable_filter_backward(dy, row_kernels, column_kernels):
    """dJ/dx of `separable_filter`: the transpose, i.e. the same filter with each kernel reversed."""
    return separable_filter(dy, row_kernels[:, ::-1], column_kernels[:, ::-1])
