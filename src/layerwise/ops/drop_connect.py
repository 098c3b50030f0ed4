"""DropConnect's affine maps: masked, per-sample masked and moment-matched, built on `ops.dense`.

Every variant is z = x V + b for some V derived from the kernel W, with dJ/dW = S * (x^T dJ/dz) for some
elementwise factor S. `ScaledKernel` carries (V, S) in the place of a `Parameter`, so that
`dense_backward` serves all of them unchanged.
"""

import numpy as np

from layerwise.ops.dense import dense_backward, dense_forward, product


class ScaledKernel:
    """A stand-in for the kernel `Parameter` in `dense_backward`: value V, and dJ/dW += S * (x^T dJ/dz).

    Args:
        kernel: the `Parameter` W whose grad receives the gradient.
        value: V, the matrix the affine map multiplies by.
        grad_scale: S, an array broadcastable to W or a scalar: dV/dW taken elementwise.
    """

    __slots__ = ("kernel", "value", "grad_scale")

    def __init__(self, kernel, value, grad_scale):
        self.kernel, self.value, self.grad_scale = kernel, value, grad_scale

    def accumulate_matmul(self, a, b):
        scaled = product(a, b)
        scaled *= self.grad_scale
        self.kernel.grad += scaled


def masked_kernel(kernel, mask):
    """V = M * W with dV/dW = M, for a mask M of W's shape."""
    return ScaledKernel(kernel, kernel.value * mask, mask)


def scaled_kernel(kernel, keep):
    """V = p W with dV/dW = p: the weight-scaling inference E[M * W] for M_ij ~ Bernoulli(p)."""
    return ScaledKernel(kernel, kernel.value * keep, keep)


def per_sample_dense_forward(x, kernel_value, mask, bias=None):
    """z_n = x_n (M_n * W) + b with one mask M_n (n_in, n_out) per sample, for x of shape (N, ..., n_in).

    Returns z and the per-sample kernels M_n * W (N, n_in, n_out) that the backward pass reuses.
    """
    kernels = np.multiply(mask, kernel_value, dtype=kernel_value.dtype)
    z = np.matmul(x.reshape(x.shape[0], -1, x.shape[-1]), kernels)
    if bias is not None:
        z += bias
    return z.reshape(x.shape[:-1] + (kernel_value.shape[-1],)), kernels


def per_sample_dense_backward(dz, x, kernels, mask, kernel, bias=None, input_gradient=True):
    """Add dJ/dW = sum_n M_n * (x_n^T dz_n) and dJ/db = sum dz; return dJ/dx_n = dz_n (M_n * W)^T."""
    x3 = x.reshape(x.shape[0], -1, x.shape[-1])
    dz3 = dz.reshape(dz.shape[0], -1, dz.shape[-1])
    per_sample = np.matmul(x3.transpose(0, 2, 1), dz3)
    per_sample *= mask
    kernel.grad += per_sample.sum(axis=0)
    if bias is not None:
        bias.grad += dz3.sum(axis=(0, 1))
    return np.matmul(dz3, kernels.transpose(0, 2, 1)).reshape(x.shape) if input_gradient else None


def moment_matching_forward(x, kernel, bias, keep):
    """Mean and standard deviation of z_j = sum_i x_i M_ij W_ij + b_j under M_ij ~ Bernoulli(p).

    E[z] = x (p W) + b and Var[z] = (x * x)(p (1 - p) W * W) (Wan et al. 2013, section 3.1).

    Returns:
        (mean, std, views): `views` holds the two `ScaledKernel`s that `moment_matching_backward` reuses.
    """
    mean_view = scaled_kernel(kernel, keep)
    variance_factor = keep * (1.0 - keep)
    variance_view = ScaledKernel(kernel, np.square(kernel.value) * variance_factor,
                                 kernel.value * (2.0 * variance_factor))
    mean = dense_forward(x, mean_view.value, None if bias is None else bias.value)
    std = np.sqrt(dense_forward(np.square(x), variance_view.value))
    return mean, std, (mean_view, variance_view)


def moment_matching_backward(dmean, dstd, x, std, views, bias=None, input_gradient=True):
    """Add dJ/dW and dJ/db and return dJ/dx from dJ/dE[z] and dJ/dstd[z].

    dJ/dVar = dJ/dstd / (2 std), taken as 0 where std = 0 (x = 0 there, where sqrt has no derivative);
    the variance term x^2 (p (1 - p) W^2) contributes 2 x (dJ/dVar V^T) to dJ/dx.
    """
    mean_view, variance_view = views
    dvariance = np.divide(dstd, 2 * std, out=np.zeros_like(dstd), where=std > 0)
    dx = dense_backward(dmean, x, mean_view, bias, input_gradient)
    dx_square = dense_backward(dvariance, np.square(x), variance_view, None, input_gradient)
    if not input_gradient:
        return None
    dx_square *= x
    dx_square *= 2.0
    dx += dx_square
    return dx
