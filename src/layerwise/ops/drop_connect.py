"""DropConnect's affine maps: masked, per-sample masked and moment-matched, built on `ops.dense`.

Every variant is z = x V + b for some V derived from the kernel W, with dJ/dW = S * (x^T dJ/dz) for some
elementwise factor S = dV/dW: each builder returns (V, S), which `dense_backward` takes as ``kernel`` and
``grad_scale``.
"""

import numpy as np

from layerwise.ops.dense import dense_backward, dense_forward


def masked_kernel(kernel, mask):
    """(V, S) = (M * W, M), for a mask M of W's shape."""
    return kernel * mask, mask


def scaled_kernel(kernel, keep):
    """(V, S) = (p W, p): the weight-scaling inference E[M * W] for M_ij ~ Bernoulli(p)."""
    return kernel * keep, keep


def per_sample_dense_forward(x, kernel_value, mask, bias=None):
    """z_n = x_n (M_n * W) + b with one mask M_n (n_in, n_out) per sample, for x of shape (N, ..., n_in).

    Returns z and the per-sample kernels M_n * W (N, n_in, n_out) that the backward pass reuses.
    """
    kernels = np.multiply(mask, kernel_value, dtype=kernel_value.dtype)
    z = np.matmul(x.reshape(x.shape[0], -1, x.shape[-1]), kernels)
    if bias is not None:
        z += bias
    return z.reshape(x.shape[:-1] + (kernel_value.shape[-1],)), kernels


def per_sample_dense_backward(dz, x, kernels, mask, kernel_grad, bias_grad=None, input_gradient=True):
    """Add dJ/dW = sum_n M_n * (x_n^T dz_n) into ``kernel_grad`` and dJ/db = sum dz into ``bias_grad``; return
    dJ/dx_n = dz_n (M_n * W)^T."""
    x3 = x.reshape(x.shape[0], -1, x.shape[-1])
    dz3 = dz.reshape(dz.shape[0], -1, dz.shape[-1])
    per_sample = np.matmul(x3.transpose(0, 2, 1), dz3)
    per_sample *= mask
    kernel_grad += per_sample.sum(axis=0)
    if bias_grad is not None:
        bias_grad += dz3.sum(axis=(0, 1))
    return np.matmul(dz3, kernels.transpose(0, 2, 1)).reshape(x.shape) if input_gradient else None


def moment_matching_forward(x, kernel, bias, keep):
    """Mean and standard deviation of z_j = sum_i x_i M_ij W_ij + b_j under M_ij ~ Bernoulli(p).

    E[z] = x (p W) + b and Var[z] = (x * x)(p (1 - p) W * W) (Wan et al. 2013, section 3.1).

    Returns:
        (mean, std, views): `views` holds the (V, S) pairs of the mean and the variance, which
        `moment_matching_backward` reuses.
    """
    mean_view = scaled_kernel(kernel, keep)
    variance_factor = keep * (1.0 - keep)
    variance_view = np.square(kernel) * variance_factor, kernel * (2.0 * variance_factor)
    mean = dense_forward(x, mean_view[0], bias)
    std = np.sqrt(dense_forward(np.square(x), variance_view[0]))
    return mean, std, (mean_view, variance_view)


def moment_matching_backward(dmean, dstd, x, std, views, kernel_grad, bias_grad=None, input_gradient=True):
    """Add dJ/dW into ``kernel_grad`` and dJ/db into ``bias_grad``, and return dJ/dx, from dJ/dE[z] and
    dJ/dstd[z].

    dJ/dVar = dJ/dstd / (2 std), taken as 0 where std = 0 (x = 0 there, where sqrt has no derivative);
    the variance term x^2 (p (1 - p) W^2) contributes 2 x (dJ/dVar V^T) to dJ/dx.
    """
    mean_view, variance_view = views
    dvariance = np.divide(dstd, 2 * std, out=np.zeros_like(dstd), where=std > 0)
    dx = dense_backward(dmean, x, mean_view[0], kernel_grad, bias_grad, input_gradient, grad_scale=mean_view[1])
    dx_square = dense_backward(dvariance, np.square(x), variance_view[0], kernel_grad, None, input_gradient,
                               grad_scale=variance_view[1])
    if not input_gradient:
        return None
    dx_square *= x
    dx_square *= 2.0
    dx += dx_square
    return dx
