"""2-D convolution of channels-last (NHWC) tensors: forward, weight gradient and input gradient.

Notation (lecture 004: local receptive fields, shared weights, several feature maps). Input x (N, H, W, C)
zero-padded to x_p, kernel w (kh, kw, C/g, F) in g groups, bias b (F,), output y (N, Ho, Wo, F):

    y[n, p, q, f] = b[f] + sum_{i, j, c} w[i, j, c, f] x_p[n, p*sh + i*dh, q*sw + j*dw, G(f) C/g + c]

with G(f) = f // (F/g) the group of feature map f. ``im2col`` gathers the kh*kw*C/g inputs that each output
position sees into one row, so the sum is a matrix product per group: Y_g = X_g W_g. Backward:

    dJ/dw = X_g^T dJ/dY_g          (lecture 004: dE/dw_i = sum_j delta_j z_i, summed over shared uses)
    dJ/db = sum_{n, p, q} dJ/dy
    dJ/dx, stride 1: the padded dJ/dy convolved with the flipped kernel (im2col and one GEMM);
    dJ/dx, strided:  dJ/dX_g = dJ/dY_g W_g^T, added back onto x_p one kernel offset at a time.

Where the calibration chose it (`ALGORITHM`), 3x3 stride-1 convolutions of one group with enough channels are
computed by Winograd's minimal filtering instead (`layerwise.ops.winograd`): the same sums, with 2.25 times fewer
multiplications and no im2col matrix.

Every loop runs over kernel offsets, groups or batch chunks, never over samples or pixels. The batch is
split into one slice per core (`layerwise.ops._lanes`), and each lane gathers and multiplies its own
chunks. The im2col matrix is kept for the weight gradient when the whole batch's fits
`MEMORY_BUDGET_BYTES`; otherwise it is gathered in chunks below `CACHE_CHUNK_BYTES`, so that the GEMM
reads it from cache. Scratch buffers are reused from batch to batch and from layer to layer: each kernel's
``workspace`` is by default the one of the model pass the executor is running (`layerwise.ops._workspace.current`).
"""

from dataclasses import dataclass

import numpy as np

from layerwise.ops import winograd
from layerwise.ops._blocks import for_each_block
from layerwise.ops._lanes import chunks_in_lanes, in_lanes, run_lanes, sample_bytes
from layerwise.ops._settings import tune
from layerwise.ops._workspace import current, empty
from layerwise.ops.normalization import fold_channels, folded_sum
from layerwise.ops.products import matmul

#: The largest im2col matrix kept from forward to backward; a larger one is gathered again, chunk by chunk.
MEMORY_BUDGET_BYTES = 16 * 2**20
#: Columns that are not kept are gathered in chunks this small, which stay in cache from im2col to GEMM. The
#: default was chosen on the AMD Zen 3 machine; on the AMD Zen 4 one (1 MB of L2 per core, 32 MB of L3), 2 and
#: 4 MB were the fastest of 0.25-64 MB (within 5%) for the lectures' CNN's convolutions (one 64 MB chunk: 1.4-1.9x
#: slower). Each machine times its own candidates in the calibration (`layerwise.config.calibrate`), which sets
#: `CACHE_CHUNK_BYTES`.
DEFAULT_CHUNK_BYTES = 4 * 2**20
CACHE_CHUNK_BYTES = DEFAULT_CHUNK_BYTES
#: How a stride-1 convolution's input gradient is computed: "flipped", the convolution of dJ/dy with the flipped
#: kernel (an im2col of dJ/dy and one GEMM, no scatter), or "scatter", dJ/dY W^T with each kernel offset's block
#: added onto its window (as strided convolutions always do). "flipped" was the faster on the AMD Zen 3 and Zen 4
#: machines (Zen 4, the lectures' second convolution, half a batch on one thread: 7.4 against 9.3 ms); each machine
#: times both in the calibration, which sets `INPUT_GRADIENT`.
DEFAULT_INPUT_GRADIENT = "flipped"
INPUT_GRADIENT = DEFAULT_INPUT_GRADIENT
#: How 3x3 stride-1 convolutions of one group (`layerwise.ops.winograd.applies`) are computed: "im2col", as every
#: other convolution, or "winograd" (`layerwise.ops.winograd`: 2.25 times fewer multiplications, no im2col
#: matrix, but transforms that pay only when compiled). Each machine times both in the calibration, which sets
#: `ALGORITHM`; the default is the one that every convolution can run.
DEFAULT_ALGORITHM = "im2col"
ALGORITHM = DEFAULT_ALGORITHM
#: Winograd's passes transform and multiply a lane's samples in chunks whose V and M (`layerwise.ops.winograd`) fit
#: about this many bytes: small enough to stay in a core's L2 cache from the transforms to the products, large enough
#: that each chunk's fixed cost (its Python calls and 16 small matrix products) stays small. On the AMD Zen 4 machine
#: (1 MB of L2 per core), the three passes of a batch of 128 in two lanes, for chunks of 1, 2, 4 and 8 MB: 16 to 16
#: channels at 32x32 19.8, 17.0, 16.2 and 24.9 ms; 32 to 32 at 16x16 11.7, 10.3, 12.6 and 15.7 ms; 64 to 64 at 8x8
#: 8.7, 9.2, 9.8 and 11.6 ms. Each machine times 1, 2 and 4 MB in the calibration, which sets
#: `WINOGRAD_CHUNK_BYTES`.
DEFAULT_WINOGRAD_CHUNK_BYTES = 2 * 2**20
WINOGRAD_CHUNK_BYTES = DEFAULT_WINOGRAD_CHUNK_BYTES


def _checked_bytes(count, caller):
    if count is not None and (not isinstance(count, int) or count < 1):
        raise ValueError(f"{caller}: count must be a positive number of bytes or None, received {count!r}")
    return count


def set_chunk_bytes(count=None, calibrated=False):
    """Gather columns that are not kept in chunks of about ``count`` bytes (None: `DEFAULT_CHUNK_BYTES`), set by
    the user or by the calibration (``calibrated``), which leaves the user's setting alone."""
    tune(globals(), "CACHE_CHUNK_BYTES", _checked_bytes(count, "set_chunk_bytes"), DEFAULT_CHUNK_BYTES, calibrated)


def set_winograd_chunk_bytes(count=None, calibrated=False):
    """Run Winograd's passes in chunks of about ``count`` bytes (None: `DEFAULT_WINOGRAD_CHUNK_BYTES`), set by the
    user or by the calibration (``calibrated``), which leaves the user's setting alone."""
    tune(globals(), "WINOGRAD_CHUNK_BYTES", _checked_bytes(count, "set_winograd_chunk_bytes"),
         DEFAULT_WINOGRAD_CHUNK_BYTES, calibrated)


def set_input_gradient(kind=None, calibrated=False):
    """Compute stride-1 input gradients as "flipped" or "scatter" (None: `DEFAULT_INPUT_GRADIENT`), set by the
    user or by the calibration (``calibrated``), which leaves the user's setting alone."""
    if kind not in (None, "flipped", "scatter"):
        raise ValueError(f"set_input_gradient: kind must be 'flipped', 'scatter' or None, received {kind!r}")
    tune(globals(), "INPUT_GRADIENT", kind, DEFAULT_INPUT_GRADIENT, calibrated)


def set_algorithm(name=None, calibrated=False):
    """Compute 3x3 stride-1 convolutions by "im2col" or "winograd" (None: `DEFAULT_ALGORITHM`), set by the user
    or by the calibration (``calibrated``), which leaves the user's setting alone."""
    if name not in (None, "im2col", "winograd"):
        raise ValueError(f"set_algorithm: name must be 'im2col', 'winograd' or None, received {name!r}")
    tune(globals(), "ALGORITHM", name, DEFAULT_ALGORITHM, calibrated)


def _winograd(geometry, kernel_shape):
    return ALGORITHM == "winograd" and winograd.applies(geometry, kernel_shape)


#: `im2col` copies whole kernel rows at once when a row holds at least this many elements (kw*C); shorter rows go a
#: kernel offset at a time. Set on the AMD Zen 3 machine (a 3x3 kernel: C >= 2 rows three times faster), where the
#: choice is between NumPy copy loops, not CPU kernels, so the threshold follows NumPy's per-loop overhead.
MIN_ROW_ELEMENTS = 6


def padding_amounts(length, kernel_size, stride, dilation, padding):
    """(before, after) zero padding of one spatial axis, as Keras/TensorFlow compute it.

    'valid' pads nothing; 'causal' pads (k-1)d before; 'same' gives ceil(n/s) outputs with
    pad_total = max((ceil(n/s) - 1) s + (k-1) d + 1 - n, 0), the odd element going after.

    Example:
        >>> padding_amounts(27, 4, 2, 1, "same")
        (1, 2)
    """
    if padding == "valid":
        return 0, 0
    if padding == "causal":
        return (kernel_size - 1) * dilation, 0
    total = max((-(-length // stride) - 1) * stride + (kernel_size - 1) * dilation + 1 - length, 0)
    return total // 2, total - total // 2


@dataclass(frozen=True)
class ConvGeometry:
    """Where each kernel offset of a convolution or pooling window meets the padded input.

    Attributes:
        input_hw: (H, W) of the unpadded input.
        kernel_size: (kh, kw).
        strides: (sh, sw).
        dilation: (dh, dw).
        pads: ((top, bottom), (left, right)).
        groups: g, the number of channel groups.
    """

    input_hw: tuple
    kernel_size: tuple
    strides: tuple
    dilation: tuple
    pads: tuple
    groups: int = 1

    @classmethod
    def create(cls, input_hw, kernel_size, strides, dilation, padding, groups=1):
        pads = tuple(padding_amounts(n, k, s, d, padding)
                     for n, k, s, d in zip(input_hw, kernel_size, strides, dilation))
        return cls(tuple(input_hw), tuple(kernel_size), tuple(strides), tuple(dilation), pads, groups)

    @property
    def padded_hw(self):
        return tuple(n + before + after for n, (before, after) in zip(self.input_hw, self.pads))

    @property
    def output_hw(self):
        return tuple((n - (k - 1) * d - 1) // s + 1 for n, k, s, d in
                     zip(self.padded_hw, self.kernel_size, self.strides, self.dilation))

    @property
    def offsets(self):
        """The kernel offsets (i, j), row by row, in the order of the im2col columns."""
        return [(i, j) for i in range(self.kernel_size[0]) for j in range(self.kernel_size[1])]

    def window(self, padded, i, j):
        """The strided view of ``padded`` (N, Hp, Wp, ...) that kernel offset (i, j) meets: (N, Ho, Wo, ...)."""
        (ho, wo), (sh, sw), (dh, dw) = self.output_hw, self.strides, self.dilation
        return padded[:, i * dh:i * dh + sh * (ho - 1) + 1:sh, j * dw:j * dw + sw * (wo - 1) + 1:sw]


def pad_spatial(x, pads, value=0.0, workspace=None, key="padded"):
    """x (N, H, W, C) with its H and W axes padded by ``pads`` ((top, bottom), (left, right)) of ``value``.

    With a `Workspace`, the padded array lives in its buffer ``key``.
    """
    (top, bottom), (left, right) = pads
    if not (top or bottom or left or right):
        return x
    n, h, w, c = x.shape
    padded = empty(workspace, key, (n, h + top + bottom, w + left + right, c), x.dtype)

    def fill(_, start, stop):
        part = padded[start:stop]
        part[:, :top] = value
        part[:, top + h:] = value
        part[:, top:top + h, :left] = value
        part[:, top:top + h, left + w:] = value
        part[:, top:top + h, left:left + w] = x[start:stop]
    in_lanes(fill, n, sample_bytes(padded))
    return padded


def crop_spatial(padded, pads, input_hw):
    """The inverse of `pad_spatial`: the (H, W) interior of ``padded``, as a new contiguous array."""
    (top, _), (left, _) = pads
    interior = padded[:, top:top + input_hw[0], left:left + input_hw[1]]
    cropped = np.empty(interior.shape, dtype=padded.dtype)

    def copy(_, start, stop):
        cropped[start:stop] = interior[start:stop]
    in_lanes(copy, len(cropped), sample_bytes(cropped))
    return cropped


def im2col(padded, geometry, out=None, ones=False):
    """Columns (g, N*Ho*Wo, kh*kw*C/g [+ 1]): row (n, p, q) holds what output (p, q) sees, per group.

    With ``ones`` every row ends with a 1, so that a bias joins the matrix product as a last row of the
    weights (and its gradient comes out of the weight-gradient product) instead of taking its own passes
    over the output.

    Without groups or width dilation, the kw*C inputs that kernel row i sees from output (p, q) are
    contiguous in x_p, so all columns are one copy from a strided view (N, Ho, Wo, kh, kw*C) of x_p, whose
    inner loop runs over kw*C elements (three times faster than a copy per offset for C >= 2).
    With one channel that inner loop is too short, and a copy per kernel offset is faster.
    """
    n, g = len(padded), geometry.groups
    (ho, wo), (kh, kw) = geometry.output_hw, geometry.kernel_size
    group_channels = padded.shape[-1] // g
    width = kh * kw * group_channels + bool(ones)
    columns = np.empty((g, n * ho * wo, width), dtype=padded.dtype) if out is None else out.reshape(g, -1, width)
    group_step, row_step, item = columns.strides
    sample_step, image_row_step = ho * wo * row_step, wo * row_step
    sample, row, column, channel = padded.strides
    as_strided = np.lib.stride_tricks.as_strided
    if (g == 1 and geometry.dilation[1] == 1 and kw * group_channels >= MIN_ROW_ELEMENTS
            and channel == padded.itemsize and column == group_channels * channel):
        (sh, sw), dh = geometry.strides, geometry.dilation[0]
        shape = (n, ho, wo, kh, kw * group_channels)
        rows = as_strided(padded, shape, (sample, sh * row, sw * column, dh * row, channel), writeable=False)
        row_steps = (sample_step, image_row_step, row_step, kw * group_channels * item, item)
        as_strided(columns, shape, row_steps)[...] = rows
    else:
        blocks = as_strided(columns, (g, n, ho, wo, kh, kw, group_channels),
                            (group_step, sample_step, image_row_step, row_step, kw * group_channels * item,
                             group_channels * item, item))
        grouped = padded.reshape(padded.shape[:3] + (g, group_channels))
        for i, j in geometry.offsets:
            blocks[:, :, :, :, i, j] = np.moveaxis(geometry.window(grouped, i, j), 3, 0)
    if ones:
        columns[..., -1] = 1
    return columns


def grouped_kernel(kernel, groups):
    """w (kh, kw, C/g, F) as g matrices (g, kh*kw*C/g, F/g)."""
    kh, kw, group_channels, filters = kernel.shape
    return kernel.reshape(kh * kw * group_channels, groups, filters // groups).transpose(1, 0, 2)


def _grouped_rows(y, groups):
    """y (N, Ho, Wo, F) as (g, N*Ho*Wo, F/g), a view."""
    return y.reshape(-1, groups, y.shape[-1] // groups).transpose(1, 0, 2)


def _matmul_into(a, b, out):
    """out[...] = a @ b for stacks of matrices, straight into ``out`` when it is one contiguous matrix."""
    if len(a) == 1:
        matmul(a[0], b[0], out=out[0])
    else:
        out[...] = matmul(a, b)


def _column_bytes(geometry, channels, itemsize):
    """Bytes of one sample's im2col rows."""
    (ho, wo), (kh, kw) = geometry.output_hw, geometry.kernel_size
    return ho * wo * kh * kw * channels * itemsize


def _column_chunks(start, stop, per_sample, chunk_bytes=None):
    """(start, stop) slices of a lane's samples whose scratch (im2col's columns, or Winograd's V and M: ``per_sample``
    bytes a sample) fits ``chunk_bytes`` (None: `CACHE_CHUNK_BYTES`)."""
    chunk = max(1, (CACHE_CHUNK_BYTES if chunk_bytes is None else chunk_bytes) // max(per_sample, 1))
    return [(first, min(first + chunk, stop)) for first in range(start, stop, chunk)]


def _chunk(lane):
    """The workspace keys of a lane's chunk buffers (its padded samples, its columns), which every convolution's
    forward pass, weight gradient and input gradient share: each uses them only within its own call."""
    return ("padded chunk", lane), ("chunk", lane)


def _padded_chunks(x, pads, chunks, workspace, lane):
    """Yield (start, stop, padded) per chunk of x's samples, each padded by ``pads`` into the lane's reused buffer.

    Each chunk is padded on its own, just before im2col reads it: the
    padded samples are still in cache, and no padded copy of the whole batch is ever made (the second convolution of
    the lectures' CNN kept 12 MB of them per step, its input's and its output gradient's)."""
    for start, stop in chunks:
        yield start, stop, pad_spatial(x[start:stop], pads, workspace=workspace, key=_chunk(lane)[0])


def _gathered_chunks(x, geometry, chunks, workspace, lane, ones=False):
    """Yield (start, stop, columns) per chunk of x's samples, padded (`_padded_chunks`) and gathered in reused
    buffers."""
    (ho, wo), g = geometry.output_hw, geometry.groups
    (kh, kw), channels = geometry.kernel_size, x.shape[-1]
    rows = (chunks[0][1] - chunks[0][0]) * ho * wo
    buffer = empty(workspace, _chunk(lane)[1], (g, rows, kh * kw * channels // g + bool(ones)), x.dtype)
    for start, stop, padded in _padded_chunks(x, geometry.pads, chunks, workspace, lane):
        yield start, stop, im2col(padded, geometry, buffer[:, :(stop - start) * ho * wo], ones)


def conv2d_forward(x, kernel, bias, geometry, keep_columns=False, workspace=None, activation=None):
    """y = x * w + b (see the module docstring), or phi(x * w + b); returns (y, columns).

    ``activation`` is an element-wise phi(z, out=z) applied in place in the same cache-blocked pass as the
    bias, so that the output is read from memory once for both.

    ``columns`` is the im2col matrix, returned when ``keep_columns`` and it fits `MEMORY_BUDGET_BYTES`, so
    that `conv2d_backward_kernel` need not gather it again: a list of (start, stop, columns of samples
    start:stop), one per lane. Otherwise None. With a `Workspace`, each lane pads and gathers its chunks in its
    chunk buffers (`_chunk`); kept columns get arrays of their own.
    """
    workspace = current() if workspace is None else workspace
    if _winograd(geometry, kernel.shape):
        return _winograd_forward(x, kernel, bias, geometry, workspace, activation), None
    n, g = len(x), geometry.groups
    (ho, wo), filters = geometry.output_hw, kernel.shape[-1]
    weights = grouped_kernel(kernel, g)
    in_product = bias is not None and g == 1
    if in_product:
        weights = np.concatenate([weights, bias.reshape(1, 1, -1)], axis=1)
        bias = None
    y = np.empty((n, ho, wo, filters), dtype=x.dtype)
    per_sample = _column_bytes(geometry, x.shape[-1], x.itemsize)
    keep = keep_columns and n * per_sample <= MEMORY_BUDGET_BYTES

    def lane(index, start, stop):
        chunks = [(start, stop)] if keep else _column_chunks(start, stop, per_sample)
        # Kept columns get arrays of their own: a layer called at several nodes of a graph keeps one per call.
        for first, last, columns in _gathered_chunks(x, geometry, chunks, None if keep else workspace, index,
                                                     ones=in_product):
            _matmul_into(columns, weights, _grouped_rows(y[first:last], g))
        if bias is not None or activation is not None:
            add_bias(y[start:stop], bias, activation)
        return start, stop, columns
    kept = in_lanes(lane, n, per_sample)
    return y, (kept if keep else None)


def _winograd_forward(x, kernel, bias, geometry, workspace, activation):
    """`conv2d_forward` by `layerwise.ops.winograd`: the lanes take the chunks of samples, each transformed with its
    padding (`winograd.input_tiles`) and multiplied; then each lane adds the bias and activation over its half."""
    n, channels, filters = len(x), x.shape[-1], kernel.shape[-1]
    y = np.empty((n, *geometry.output_hw, filters), dtype=x.dtype)
    weights, tiles = winograd.kernel_transform(kernel), winograd.tile_counts(geometry)
    pads = winograd.padded_for_tiles(geometry)
    per_sample = winograd.sample_bytes(tiles, channels, filters, x.itemsize)

    def chunk(lane, first, last):
        winograd.forward_chunk(x[first:last], pads, weights, tiles, y[first:last], workspace, lane)
    chunks_in_lanes(chunk, _column_chunks(0, n, per_sample, WINOGRAD_CHUNK_BYTES))
    if bias is not None or activation is not None:
        # Over each lane's half, not chunk by chunk: a call per chunk made the lectures' CNN's inference 1.12 times
        # as long (on the Intel Xeon VM, in one process, alternating).
        in_lanes(lambda _, start, stop: add_bias(y[start:stop], bias, activation), n, sample_bytes(y))
    return y


def add_bias(y, bias, activation=None):
    """y = phi(y + b) in place, over cache-sized blocks of the batch (phi: identity if None).

    The bias is tiled along a whole image row (W*F values), so that NumPy's inner loop runs over rows
    rather than over F channels at a time (3x faster for F = 32).
    """
    row = y.shape[-2] * y.shape[-1]
    tiled = None if bias is None else np.tile(bias, y.shape[-2])

    def finish(start, stop):
        block = y[start:stop].reshape(-1, row)
        if tiled is not None:
            block += tiled
        if activation is not None:
            activation(block, out=block)
    for_each_block(finish, len(y), sample_bytes(y))


def conv2d_backward_kernel(dy, x, columns, geometry, kernel_grad, bias_grad=None, workspace=None):
    """Add dJ/dw = X^T dJ/dY into ``kernel_grad`` (kh, kw, C/g, F) and dJ/db into ``bias_grad``.

    ``columns`` is what `conv2d_forward` kept (its im2col matrix, per lane), or None to gather it again
    chunk by chunk from x (then ending with ones when there is a bias gradient and one group, as
    `conv2d_forward` gathers them). Each lane sums the product over its samples; the lanes' sums are added.
    """
    workspace = current() if workspace is None else workspace
    if columns is None and _winograd(geometry, kernel_grad.shape):
        _winograd_backward_kernel(dy, x, geometry, kernel_grad, bias_grad, workspace)
        return
    g = geometry.groups
    dy_rows = _grouped_rows(dy, g)
    rows_per_sample = dy.shape[1] * dy.shape[2]
    grad = grouped_kernel(kernel_grad, g)
    if columns is not None:
        def lane(index, start, stop):
            return matmul(columns[index][2].transpose(0, 2, 1),
                          dy_rows[:, start * rows_per_sample:stop * rows_per_sample])
        products = run_lanes(lane, [(start, stop) for start, stop, _ in columns])
    else:
        per_sample = _column_bytes(geometry, x.shape[-1], x.itemsize)
        ones = bias_grad is not None and g == 1

        def lane(index, start, stop):
            product = 0
            for first, last, part in _gathered_chunks(x, geometry, _column_chunks(start, stop, per_sample),
                                                      workspace, index, ones):
                product = product + matmul(part.transpose(0, 2, 1),
                                           dy_rows[:, first * rows_per_sample:last * rows_per_sample])
            return product
        products = in_lanes(lane, len(x), per_sample)
    if not products:  # an empty batch
        return
    product = sum(products[1:], products[0])
    # Columns that end with ones (see `im2col`) put sum dJ/dy, the bias gradient, in the product's last row.
    grad += product[:, :grad.shape[1]]
    if bias_grad is not None:
        with_ones = product.shape[1] > grad.shape[1]
        bias_grad += product[0, -1] if with_ones else sum_rows(dy.reshape(-1, dy.shape[-1]))


def _winograd_backward_kernel(dy, x, geometry, kernel_grad, bias_grad, workspace):
    """`conv2d_backward_kernel` by `layerwise.ops.winograd`: the lanes take the chunks of samples, each giving dJ/dU
    summed over its tiles; the chunks' sums are added in their order, whichever lane took each, then turned into
    dJ/dw."""
    channels, filters = x.shape[-1], dy.shape[-1]
    tiles, pads = winograd.tile_counts(geometry), winograd.padded_for_tiles(geometry)
    per_sample = winograd.sample_bytes(tiles, channels, filters, x.itemsize)

    def chunk(lane, first, last):
        return winograd.kernel_gradient_chunk(x[first:last], pads, dy[first:last], tiles, workspace, lane)
    sums = chunks_in_lanes(chunk, _column_chunks(0, len(x), per_sample, WINOGRAD_CHUNK_BYTES))
    if not sums:  # an empty batch
        return
    kernel_grad += winograd.kernel_gradient(sum(sums[1:], sums[0]))
    if bias_grad is not None:
        bias_grad += sum_rows(dy.reshape(-1, filters))


def sum_rows(matrix):
    """The column sums of a tall matrix, summed over rows folded to about 2048 values (a BLAS matrix-vector
    product with a vector of ones was 20 times slower on this machine whenever another process used BLAS)."""
    return folded_sum(*fold_channels(matrix))


def conv2d_backward_input(dy, kernel, geometry, workspace=None):
    """dJ/dx (N, H, W, C) from dJ/dy (N, Ho, Wo, F); also the forward pass of a transposed convolution."""
    workspace = current() if workspace is None else workspace
    if geometry.strides == (1, 1) and INPUT_GRADIENT == "flipped":
        return _flipped_input_gradient(dy, kernel, geometry, workspace)
    return _scatter_input_gradient(dy, kernel, geometry, workspace)


def _flipped_input_gradient(dy, kernel, geometry, workspace=None):
    """Stride 1: dJ/dx is a convolution of dJ/dy with the flipped kernel, computed by `conv2d_forward`.

    dJ/dx_p[a, b, c] = sum_{i, j, f} w[i, j, c, f] dJ/dy[a - i dh, b - j dw, f]. With i' = kh-1-i,
    w'[i', j', f, c] = w[kh-1-i', kw-1-j', c, f] (per group) and dJ/dy zero-padded by (kh-1) dh - top rows
    above and (kh-1) dh - bottom below (likewise for columns), the interior of dJ/dx_p is the stride-1
    convolution of that padded dJ/dy with w', of the input's size: one im2col and one GEMM, no col2im.
    """
    kh, kw, group_channels, filters = kernel.shape
    g, (dh, dw) = geometry.groups, geometry.dilation
    flipped = np.ascontiguousarray(kernel[::-1, ::-1].reshape(kh, kw, group_channels, g, filters // g)
                                   .transpose(0, 1, 4, 3, 2).reshape(kh, kw, filters // g, g * group_channels))
    (top, bottom), (left, right) = geometry.pads
    pads = (((kh - 1) * dh - top, (kh - 1) * dh - bottom), ((kw - 1) * dw - left, (kw - 1) * dw - right))
    gradient_geometry = ConvGeometry(tuple(dy.shape[1:3]), (kh, kw), (1, 1), (dh, dw), pads, g)
    return conv2d_forward(dy, flipped, None, gradient_geometry, workspace=workspace)[0]


def _scatter_input_gradient(dy, kernel, geometry, workspace=None):
    """dJ/dx = dJ/dY W^T, each kernel offset's block added onto its window of x_p."""
    n, g = len(dy), geometry.groups
    (ho, wo), (hp, wp), (kh, kw) = geometry.output_hw, geometry.padded_hw, geometry.kernel_size
    group_channels = kernel.shape[2]
    weights_t = grouped_kernel(kernel, g).transpose(0, 2, 1)
    dy_rows = _grouped_rows(dy, g)
    padded_grad = empty(workspace, "padded gradient", (n, hp, wp, g, group_channels), dy.dtype)
    per_sample = _column_bytes(geometry, g * group_channels, dy.itemsize)

    def lane(index, start, stop):
        padded_grad[start:stop] = 0
        chunks = _column_chunks(start, stop, per_sample)
        rows = (chunks[0][1] - chunks[0][0]) * ho * wo
        buffer = empty(workspace, _chunk(index)[1], (g, rows, weights_t.shape[2]), dy.dtype)
        for first, last in chunks:
            part = buffer[:, :(last - first) * ho * wo]
            _matmul_into(dy_rows[:, first * ho * wo:last * ho * wo], weights_t, part)
            columns = part.reshape(g, last - first, ho, wo, kh, kw, group_channels)
            target = padded_grad[first:last]
            for i, j in geometry.offsets:
                window = geometry.window(target, i, j)
                window += np.moveaxis(columns[:, :, :, :, i, j], 0, 3)
    in_lanes(lane, n, per_sample)
    padded_grad = padded_grad.reshape(n, hp, wp, g * group_channels)
    if (hp, wp) == tuple(geometry.input_hw):
        return padded_grad.copy() if workspace is not None else padded_grad
    return crop_spatial(padded_grad, geometry.pads, geometry.input_hw)
