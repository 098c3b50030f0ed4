"""Stochastic pooling over non-overlapping windows of NHWC maps (stride = pool size, valid padding).

Windows are taken by reshape, (N, H, W, C) -> (N, H', ph, W', pw, C), never by copying patches; rows and
columns past the last full window are ignored, as valid padding does.
"""

import numpy as np


def pool_windows(x, pool_size):
    """The windows of x (N, H, W, C) as (N, H // ph, ph, W // pw, pw, C); a view unless the margin is cropped."""
    n, h, w, c = x.shape
    ph, pw = pool_size
    return x[:, :h // ph * ph, :w // pw * pw].reshape(n, h // ph, ph, w // pw, pw, c)


def unpool_windows(window_gradients, input_shape):
    """dJ/dx (input_shape) from per-window gradients (N, H', ph, W', pw, C); zero in the cropped margin."""
    n, ho, ph, wo, pw, c = window_gradients.shape
    if input_shape[1:3] == (ho * ph, wo * pw):
        return window_gradients.reshape(input_shape)
    dx = np.zeros(input_shape, dtype=window_gradients.dtype)
    dx[:, :ho * ph, :wo * pw] = window_gradients.reshape(n, ho * ph, wo * pw, c)
    return dx


def stochastic_pool_forward(x, pool_size, uniform):
    """Sample a_l in each window R with probability p_l = a_l / sum_{k in R} a_k (non-negative a).

    The sample is l = the first index whose cumulative sum exceeds u * sum_R a, one uniform u per window,
    so a zero activation is never picked unless the whole window is zero (then the last one is).

    Args:
        x: activations (N, H, W, C), all >= 0.
        pool_size: (ph, pw).
        uniform: u ~ U[0, 1), shape (N, H // ph, W // pw, C).

    Returns:
        (y, index): y (N, H', W', C) the sampled activations; index (N, H', W', 1, C) the sampled
        position in each window, flattened row-major over (ph, pw).
    """
    windows = pool_windows(x, pool_size)
    n, ho, ph, wo, pw, c = windows.shape
    # Window elements on one axis next to C, so the cumulative sum runs over contiguous channel rows.
    flat = windows.transpose(0, 1, 3, 2, 4, 5).reshape(n, ho, wo, ph * pw, c)
    # np.cumsum along a short middle axis is several times slower than this loop over window offsets.
    cumulative = flat.copy()
    for position in range(1, ph * pw):
        cumulative[:, :, :, position] += cumulative[:, :, :, position - 1]
    threshold = uniform * cumulative[:, :, :, -1]
    index = np.sum(cumulative <= threshold[:, :, :, None], axis=3, keepdims=True)
    # u * sum may round up to the sum itself; the last position then stands for the top of the range.
    np.minimum(index, ph * pw - 1, out=index)
    return np.take_along_axis(flat, index, axis=3)[:, :, :, 0], index


def stochastic_pool_backward(dy, index, input_shape, pool_size):
    """dJ/dx: dJ/dy at each window's sampled position, zero elsewhere."""
    n, ho, wo, _, c = index.shape
    ph, pw = pool_size
    flat = np.zeros((n, ho, wo, ph * pw, c), dtype=dy.dtype)
    np.put_along_axis(flat, index, dy[:, :, :, None], axis=3)
    return unpool_windows(flat.reshape(n, ho, wo, ph, pw, c).transpose(0, 1, 3, 2, 4, 5), input_shape)


def probability_weighted_pool_forward(x, pool_size):
    """y = sum_R p_l a_l = sum_R a_l^2 / sum_R a_l per window (0 where the window sums to 0).

    Returns:
        (y, total): y (N, H', W', C) and total = sum_R a_l, which the backward pass reuses.
    """
    windows = pool_windows(x, pool_size)
    total = windows.sum(axis=(2, 4))
    y = np.square(windows).sum(axis=(2, 4))
    # For non-negative inputs a zero total means a zero window, whose sum of squares is already 0.
    np.divide(y, total, out=y, where=total > 0)
    return y, total


def probability_weighted_pool_backward(dy, x, y, total, pool_size):
    """dJ/da_l = dJ/dy (2 a_l - y) / sum_R a_k, taken as 0 in windows that sum to 0."""
    scale = np.divide(dy, total, out=np.zeros_like(dy), where=total > 0)[:, :, None, :, None, :]
    window_gradients = pool_windows(x, pool_size) * 2.0
    window_gradients -= y[:, :, None, :, None, :]
    window_gradients *= scale
    return unpool_windows(window_gradients, x.shape)
