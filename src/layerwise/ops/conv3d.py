"""3-D convolution of channels-last volumes (N, D, H, W, C), as a sum of 2-D convolutions over depth offsets.

With x (N, D, H, W, C) zero-padded in depth to x_p, kernel w (kd, kh, kw, C/g, F) and output (N, Do, Ho, Wo, F):

    y[n, t] = sum_{i < kd} conv2d(x_p[n, t*sd + i*dd], w[i])        (t an output depth, conv2d on the plane)

so depth offset i contributes the 2-D convolution (of `layerwise.ops.conv`, with the height/width geometry and
the groups) of the slab x_p[:, i*dd :: sd] (N*Do images of H x W) with w[i]. Backward follows term by term:

    dJ/dw[i] = the 2-D weight gradient of slab i with dJ/dy viewed as N*Do images,
    dJ/db    = sum_{n, t, p, q} dJ/dy   (taken with offset 0),
    dJ/dx_p[:, i*dd :: sd] += the 2-D input gradient of dJ/dy through w[i],  then cropped in depth.

The loops run over the kd depth offsets only; every term is one vectorized 2-D kernel call over the batch.
`conv_forward`, `conv_backward_kernel` and `conv_backward_input` take a 2-D or a 3-D `ConvGeometry` and run
the matching kernels, so that a layer is written once for every rank (a 1-D layer views its input as an image
of height 1).
"""

import numpy as np

from layerwise.ops import conv
from layerwise.ops.conv import (ConvGeometry, add_bias, conv2d_backward_input, conv2d_backward_kernel,
                                conv2d_forward)


def _plane(geometry):
    """The 2-D geometry (height, width, groups) of each depth slab."""
    return ConvGeometry(geometry.input_hw[1:], geometry.kernel_size[1:], geometry.strides[1:],
                        geometry.dilation[1:], geometry.pads[1:], geometry.groups)


def _pad_depth(x, pads):
    """x (N, D, H, W, C) zero-padded by pads = (front, back) along the depth axis."""
    front, back = pads
    if not (front or back):
        return x
    padded = np.zeros((len(x), x.shape[1] + front + back) + x.shape[2:], dtype=x.dtype)
    padded[:, front:front + x.shape[1]] = x
    return padded


def _depth_window(padded, geometry, offset):
    """The view (N, Do, ...) of ``padded`` that depth offset ``offset`` meets."""
    depth, stride, dilation = geometry.output_hw[0], geometry.strides[0], geometry.dilation[0]
    start = offset * dilation
    return padded[:, start:start + stride * (depth - 1) + 1:stride]


def _as_images(y):
    """(N, Do, Ho, Wo, F) as N*Do images (N*Do, Ho, Wo, F)."""
    return y.reshape((-1,) + y.shape[2:])


def _slabs(x, geometry):
    """Yield (offset, images (N*Do, H, W, C)) of each depth offset of the padded x."""
    padded = _pad_depth(x, geometry.pads[0])
    for offset in range(geometry.kernel_size[0]):
        window = _depth_window(padded, geometry, offset)
        yield offset, _as_images(window)


def conv3d_forward(x, kernel, bias, geometry, keep_columns=False, workspace=None, activation=None):
    """y = x * w + b (see the module docstring), or phi(x * w + b) with phi(z, out=z); returns (y, columns).

    ``columns`` is the list of what `conv2d_forward` kept for each depth offset, when ``keep_columns`` and
    all kd of them fit `MEMORY_BUDGET_BYTES` together; otherwise None.
    """
    plane = _plane(geometry)
    images_count, depth_offsets = len(x) * geometry.output_hw[0], geometry.kernel_size[0]
    column_bytes = depth_offsets * images_count * conv._column_bytes(plane, x.shape[-1], x.itemsize)
    keep_columns = keep_columns and column_bytes <= conv.MEMORY_BUDGET_BYTES
    y, kept = None, []
    for offset, images in _slabs(x, geometry):
        term, columns = conv2d_forward(images, kernel[offset], bias if offset == 0 else None, plane,
                                       keep_columns=keep_columns, workspace=workspace)
        kept.append(columns)
        y = term if y is None else np.add(y, term, out=y)
    y = y.reshape((len(x), geometry.output_hw[0]) + y.shape[1:])
    if activation is not None:
        add_bias(y, None, activation)
    return y, (kept if all(columns is not None for columns in kept) else None)


def conv3d_backward_kernel(dy, x, columns, geometry, kernel_grad, bias_grad=None, workspace=None):
    """Add dJ/dw into ``kernel_grad`` (kd, kh, kw, C/g, F) and dJ/db into ``bias_grad``; ``columns`` is what
    `conv3d_forward` kept, or None to gather the slabs of x again."""
    plane, dy_images = _plane(geometry), _as_images(dy)
    terms = _slabs(x, geometry) if columns is None else enumerate(columns)
    for offset, images_or_columns in terms:
        images, kept = (images_or_columns, None) if columns is None else (None, images_or_columns)
        conv2d_backward_kernel(dy_images, images, kept, plane, kernel_grad[offset],
                               bias_grad if offset == 0 else None, workspace=workspace)


def conv3d_backward_input(dy, kernel, geometry, workspace=None):
    """dJ/dx (N, D, H, W, C) from dJ/dy (N, Do, Ho, Wo, F); also the forward pass of a transposed convolution."""
    plane, dy_images = _plane(geometry), _as_images(dy)
    (depth, height, width), (front, _) = geometry.input_hw, geometry.pads[0]
    channels = kernel.shape[-2] * geometry.groups
    padded_grad = np.zeros((len(dy), geometry.padded_hw[0], height, width, channels), dtype=dy.dtype)
    for offset in range(geometry.kernel_size[0]):
        term = conv2d_backward_input(dy_images, kernel[offset], plane, workspace=workspace)
        _depth_window(padded_grad, geometry, offset)[...] += term.reshape(dy.shape[:2] + term.shape[1:])
    if padded_grad.shape[1] == depth:
        return padded_grad
    return np.ascontiguousarray(padded_grad[:, front:front + depth])


def conv_forward(x, kernel, bias, geometry, keep_columns=False, workspace=None, activation=None):
    """`conv2d_forward` or `conv3d_forward`, by the rank of ``geometry``."""
    if len(geometry.kernel_size) == 3:
        return conv3d_forward(x, kernel, bias, geometry, keep_columns, workspace, activation)
    return conv2d_forward(x, kernel, bias, geometry, keep_columns, workspace, activation=activation)


def conv_backward_kernel(dy, x, columns, geometry, kernel_grad, bias_grad=None, workspace=None):
    """`conv2d_backward_kernel` or `conv3d_backward_kernel`, by the rank of ``geometry``."""
    backward = conv3d_backward_kernel if len(geometry.kernel_size) == 3 else conv2d_backward_kernel
    backward(dy, x, columns, geometry, kernel_grad, bias_grad, workspace)


def conv_backward_input(dy, kernel, geometry, workspace=None):
    """`conv2d_backward_input` or `conv3d_backward_input`, by the rank of ``geometry``."""
    backward = conv3d_backward_input if len(geometry.kernel_size) == 3 else conv2d_backward_input
    return backward(dy, kernel, geometry, workspace)
