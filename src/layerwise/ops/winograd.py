"""3x3, stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3): forward pass and weight gradient.

The convolution of lecture 004 (`layerwise.ops.conv`), y[n, p, q, f] = sum_{i, j, c} w[i, j, c, f] x_p[n, p+i, q+j, c],
computed on 2x2 output tiles. Each tile of y is a linear function of the 4x4 tile d of x_p under it (tiles overlap by
two rows and two columns) and of the 3x3 kernel g of each (c, f) pair (Lavin and Gray, "Fast Algorithms for
Convolutional Neural Networks", 2016):

    Y = A^T [ sum_c (G g G^T) (.) (B^T d B) ] A,        (.) the element-wise product of 4x4 matrices

    B^T = [[1, 0, -1, 0], [0, 1, 1, 0], [0, -1, 1, 0], [0, 1, 0, -1]]
    G   = [[1, 0, 0], [1/2, 1/2, 1/2], [1/2, -1/2, 1/2], [0, 0, 1]]
    A^T = [[1, 1, 1, 0], [0, 1, -1, -1]]

With U[xi] = (G g G^T)[xi] (C, F) and V[xi] = (B^T d B)[xi] (tiles, C) for each of the 16 positions xi of a 4x4
matrix, the sum over channels is one matrix product per position, M[xi] = V[xi] U[xi], and Y = A^T M A. A tile
costs 16 C F multiplications where im2col's product costs 36 C F (2.25 times fewer), and no im2col matrix
(nine copies of the input) is written: V is four copies.

Backward, by the chain rule through the same linear maps (dJ/dM = A dJ/dY A^T, per tile):

    dJ/dU[xi] = sum_tiles V[xi]^T dJ/dM[xi]          (lecture 004: a shared weight sums over its uses)
    dJ/dg     = G^T dJ/dU G

and dJ/dx is the convolution of dJ/dy with the flipped kernel, itself a 3x3 stride-1 convolution
(`layerwise.ops.conv`'s "flipped" input gradient), so it runs here too.

The transforms are element-wise passes over tiles; `layerwise.ops._compiled` has compiled twins of the NumPy code
below (the reference). `layerwise.ops.conv` transforms and multiplies a batch in chunks of samples whose V and M fit
its `WINOGRAD_CHUNK_BYTES`, so that they stay in a core's cache from the transform to the product.
"""

import math
import numbers

import numpy as np

from layerwise.ops import _compiled
from layerwise.ops._settings import tune
from layerwise.ops._workspace import empty
from layerwise.ops.products import matmul

_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])


#: Winograd's products save multiplications in proportion to C F per tile, and its transforms cost passes in
#: proportion to C + F: it pays only where C F / (C + F) is at least this. Measured by `bench/conv_algorithms.py` on
#: the AMD Zen 4 machine (3x3 'same' convolutions of a batch of 128 in two lanes, forward + weight gradient + input
#: gradient), im2col's time over Winograd's: 1 channel to 32 (C F / (C + F) = 1) 0.42, 3 to 16 (2.5) 1.07, 8 to 16
#: (5.3) 1.32, 16 to 16 (8) 1.29, 16 to 32 (10.7) 1.38, 32 to 32 (16) 1.60, 32 to 64 (21) 1.77, 64 to 64 (32) 1.69.
#: On the Intel Xeon VM (an Ice Lake) Winograd paid only from 32 to 32 (16) on: 16 to 16 (8) took 1.07 times im2col's
#: time, 8 to 16 (5.3) 1.21 times. So the threshold is the calibration's too (`set_min_channel_ratio`, timed on the
#: convolutions of `layerwise.models._calibration.WINOGRAD_THRESHOLD_CASES`) where it chose Winograd at all
#: (`layerwise.ops.conv.ALGORITHM`, timed on convolutions above the highest threshold it may choose); this default is
#: the AMD Zen 4 machine's.
DEFAULT_MIN_CHANNEL_RATIO = 4.0
MIN_CHANNEL_RATIO = DEFAULT_MIN_CHANNEL_RATIO


def set_min_channel_ratio(ratio=None, calibrated=False):
    """Take Winograd's way for convolutions with C F / (C + F) >= ``ratio`` (a number >= 0; None:
    `DEFAULT_MIN_CHANNEL_RATIO`), set by the user or by the calibration (``calibrated``), which leaves the user's
    setting alone."""
    if ratio is not None and (isinstance(ratio, bool) or not isinstance(ratio, numbers.Real)
                              or not math.isfinite(ratio) or ratio < 0):
        raise ValueError(f"set_min_channel_ratio: ratio must be a finite number >= 0 or None, received {ratio!r}")
    tune(globals(), "MIN_CHANNEL_RATIO", None if ratio is None else float(ratio), DEFAULT_MIN_CHANNEL_RATIO,
         calibrated)


def applies(geometry, kernel_shape):
    """Whether a convolution of ``geometry`` and kernel (kh, kw, C/g, F) is one this module computes, and gains
    from: a 3x3 kernel, stride 1, no dilation, one group, and C F / (C + F) >= `MIN_CHANNEL_RATIO`."""
    channels, filters = kernel_shape[2:]
    return (tuple(kernel_shape[:2]) == (3, 3) and geometry.strides == (1, 1) and geometry.dilation == (1, 1)
            and geometry.groups == 1 and channels * filters >= MIN_CHANNEL_RATIO * (channels + filters))


def tile_counts(geometry):
    """(th, tw): the 2x2 output tiles along each spatial axis, the last one cropped when the output's size is odd."""
    return tuple(-(-size // 2) for size in geometry.output_hw)


def padded_for_tiles(geometry):
    """The padding ((top, bottom), (left, right)) of the input under every tile: the convolution's own, with one
    more row (column) of zeros below (right of) the input when the output has an odd number of rows (columns)."""
    return tuple((before, after + size % 2) for (before, after), size in zip(geometry.pads, geometry.output_hw))


def kernel_transform(kernel):
    """U = G g G^T for each (c, f): the kernel (3, 3, C, F) as 16 matrices (16, C, F).

    Two matrix products over the kernel's (c, f) pairs at once (NumPy's einsum took 0.2 ms for 64x64 channels, a
    convolution's pass 3 ms)."""
    g, pairs = _G.astype(kernel.dtype), kernel.shape[2:]
    rows = (g @ kernel.reshape(3, -1)).reshape(4, 3, -1)  # G g: (a, j, pair)
    return np.matmul(g, rows).reshape(16, *pairs)  # (G g) G^T: for each a, G (4, 3) @ (G g)[a] (3, pairs)


def kernel_gradient(tile_gradient):
    """dJ/dg = G^T dJ/dU G: the gradient (16, C, F) of U as the kernel's gradient (3, 3, C, F)."""
    g_t, pairs = _G.T.astype(tile_gradient.dtype), tile_gradient.shape[1:]
    rows = (g_t @ tile_gradient.reshape(4, -1)).reshape(3, 4, -1)  # G^T dJ/dU: (i, b, pair)
    return np.matmul(g_t, rows).reshape(3, 3, *pairs)


def _input_rule(d0, d1, d2, d3, outs):
    """B^T applied along one axis: (d0 - d2, d1 + d2, d2 - d1, d1 - d3) into ``outs``."""
    np.subtract(d0, d2, out=outs[0])
    np.add(d1, d2, out=outs[1])
    np.subtract(d2, d1, out=outs[2])
    np.subtract(d1, d3, out=outs[3])


def input_tiles(x, pads, tiles, out):
    """V = B^T d B of every 4x4 tile d of x (n, H, W, C) zero-padded by ``pads`` (`padded_for_tiles`: to
    (n, 2 th + 2, 2 tw + 2, C)) into ``out`` (16, n th tw, C), tiles in (n, row, column) order. The compiled
    transform reads x in place; NumPy's pads a copy first."""
    (th, tw), channels = tiles, x.shape[-1]
    if _compiled.runs_on(x):
        _compiled.winograd_input(np.ascontiguousarray(x), pads[0][0], pads[1][0], th, tw, out)
        return out
    padded = np.pad(x, ((0, 0), *pads, (0, 0)))
    n = len(padded)
    rows = np.empty((4, n, th, padded.shape[2], channels), dtype=padded.dtype)
    _input_rule(*(padded[:, i:i + 2 * th:2] for i in range(4)), rows)
    tiled = out.reshape(4, 4, n, th, tw, channels)
    for a in range(4):
        _input_rule(*(rows[a][:, :, j:j + 2 * tw:2] for j in range(4)), tiled[a])
    return out


def output_tiles(products, y):
    """y = A^T M A of every tile's 16 products M (16, n th tw, F), into ``y`` (n, 2 th, 2 tw, F)."""
    n, height, width, filters = y.shape
    th, tw = height // 2, width // 2
    if _compiled.runs_on(products, y):
        _compiled.winograd_output(products, th, tw, y)
        return y
    m = products.reshape(4, 4, n, th, tw, filters)
    summed = (m[0] + m[1] + m[2], m[1] - m[2] - m[3])  # A^T along the tile's rows
    blocks = y.reshape(n, th, 2, tw, 2, filters)
    for a, s in enumerate(summed):
        np.add(s[0] + s[1], s[2], out=blocks[:, :, a, :, 0])
        np.subtract(s[1] - s[2], s[3], out=blocks[:, :, a, :, 1])
    return y


def output_gradient_tiles(dy, out):
    """dJ/dM = A dJ/dY A^T of every 2x2 tile of ``dy`` (n, 2 th, 2 tw, F) into ``out`` (16, n th tw, F)."""
    n, height, width, filters = dy.shape
    th, tw = height // 2, width // 2
    if _compiled.runs_on(dy, out):
        _compiled.winograd_output_gradient(dy, th, tw, out)
        return out
    tiled = out.reshape(4, 4, n, th, tw, filters)
    rows = dy.reshape(n, th, 2, tw, 2, filters)
    # A along the rows: (y0, y0 + y1, y0 - y1, -y1), then along the columns.
    across = (rows[:, :, 0], rows[:, :, 0] + rows[:, :, 1], rows[:, :, 0] - rows[:, :, 1], -rows[:, :, 1])
    for a, r in enumerate(across):
        tiled[a, 0] = r[:, :, :, 0]
        np.add(r[:, :, :, 0], r[:, :, :, 1], out=tiled[a, 1])
        np.subtract(r[:, :, :, 0], r[:, :, :, 1], out=tiled[a, 2])
        np.negative(r[:, :, :, 1], out=tiled[a, 3])
    return out


def _evened(array, tiles):
    """``array`` (n, H, W, F) zero-padded below and to the right to (n, 2 th, 2 tw, F): itself when already so."""
    height, width = 2 * tiles[0], 2 * tiles[1]
    if array.shape[1:3] == (height, width):
        return array
    evened = np.zeros((len(array), height, width, array.shape[-1]), dtype=array.dtype)
    evened[:, :array.shape[1], :array.shape[2]] = array
    return evened


def sample_bytes(tiles, channels, filters, itemsize):
    """The bytes of one sample's V and M (16 values per tile and channel, input and output)."""
    return 16 * tiles[0] * tiles[1] * (channels + filters) * itemsize


def _chunk_input_tiles(x, pads, tiles, workspace, lane):
    """V of a chunk of samples (`input_tiles`), in the lane's reused buffer."""
    count = len(x) * tiles[0] * tiles[1]
    return input_tiles(x, pads, tiles, empty(workspace, ("winograd tiles", lane), (16, count, x.shape[-1]), x.dtype))


def _chunk_products(v, filters, dtype, workspace, lane):
    """The lane's reused buffer for a chunk's M or dJ/dM (16, tiles, F), the tiles of ``v``."""
    return empty(workspace, ("winograd products", lane), (16, v.shape[1], filters), dtype)


def forward_chunk(x, pads, weights, tiles, y, workspace, lane):
    """y = the convolution of ``x`` (a chunk of samples, padded by ``pads``, `padded_for_tiles`) with the kernel whose
    transform is ``weights`` (U, `kernel_transform`), into ``y`` (the chunk's output)."""
    v = _chunk_input_tiles(x, pads, tiles, workspace, lane)
    m = matmul(v, weights, out=_chunk_products(v, weights.shape[-1], y.dtype, workspace, lane))
    evened = _evened(y, tiles)
    output_tiles(m, evened)
    if evened is not y:
        y[...] = evened[:, :y.shape[1], :y.shape[2]]


def kernel_gradient_chunk(x, pads, dy, tiles, workspace, lane):
    """sum over the chunk's tiles of V[xi]^T dJ/dM[xi]: its part of dJ/dU (16, C, F), ``x`` and ``pads`` as in
    `forward_chunk`."""
    v = _chunk_input_tiles(x, pads, tiles, workspace, lane)
    dm = output_gradient_tiles(_evened(dy, tiles), _chunk_products(v, dy.shape[-1], dy.dtype, workspace, lane))
    return matmul(v.transpose(0, 2, 1), dm)
