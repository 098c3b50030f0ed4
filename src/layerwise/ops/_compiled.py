"""Compiled kernels (Numba) for memory-bound steps where NumPy's passes cost more than the arithmetic.

NumPy runs a max pooling window as one ufunc call per offset over strided views, each with an inner loop as
short as the channel count and a temporary per comparison; compiled, the window's maximum, its argmax and the
backward routing are one pass each. Measured on the AMD Zen 4 machine, one thread, 2x2 pooling of
(128, 28, 28, 32) float32: forward with argmax 7.2 ms (NumPy) against 1.5 ms (compiled), backward 7.5 against
2.4 ms; of (128, 14, 14, 64): 2.7 against 0.5 ms and 2.4 against 1.2 ms. A compiled im2col was slower than
NumPy's strided copy (2.2 against 6.6 ms for (128, 14, 14, 32)), and compiled direct sums for convolutions over
one to three channels were slower than im2col and a matrix product (5.5 against 2.6 ms for the forward pass of
the lectures' first convolution, 1 channel to 32, both cores): convolutions keep NumPy's, but for the transforms of
Winograd's minimal filtering (`layerwise.ops.winograd`), compiled below. Batch normalization's
element-wise passes, ReLU and its gradient, and plain gradient descent's step are compiled too (below).

Numba is optional (``pip install layerwise[numba]``): without it, or with ``LAYERWISE_KERNELS=numpy`` or
``layerwise.config.set_kernels("numpy")``, every kernel runs NumPy's code, which stays the reference that the
tests compare the compiled kernels with. The kernels release the GIL, so the executor's lanes run them side by
side; they are compiled on first use and cached on disk by Numba.
"""

import importlib.util
import os

import numpy as np

#: The kernel implementations there are: "numba" when Numba is installed (an optional dependency), and NumPy's
#: reference.
CHOICES = ("numba", "numpy") if importlib.util.find_spec("numba") is not None else ("numpy",)
_kernels = "numpy" if os.environ.get("LAYERWISE_KERNELS") == "numpy" else CHOICES[0]
_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def set_kernels(name):
    """Run the kernels that have a compiled twin with ``name`` ("numba" or "numpy")."""
    global _kernels
    if name not in ("numba", "numpy"):
        raise ValueError(f"set_kernels: name must be 'numba' or 'numpy', received {name!r}")
    if name not in CHOICES:
        raise ValueError("set_kernels: Numba is not installed (pip install layerwise[numba])")
    _kernels = name


def kernels():
    """Which kernels run: "numba" or "numpy"."""
    return _kernels


def runs_on(*arrays):
    """Whether the compiled kernels run on these arrays: Numba compiles float32 and float64, not float16."""
    return _kernels == "numba" and all(array.dtype in _DTYPES for array in arrays)


class _Kernel:
    """``function`` compiled by Numba on its first call (nogil, cached on disk). Numba is imported then, not with
    layerwise: importing it took 0.2 s, half of ``import layerwise``, which a program that never reaches a compiled
    kernel should not pay."""

    def __init__(self, function, **options):
        self.function, self.options, self.compiled = function, options, None

    def __call__(self, *args):
        if self.compiled is None:
            import numba

            self.compiled = numba.njit(nogil=True, cache=True, **self.options)(self.function)
        return self.compiled(*args)


def _max_pool_tiles(x, ph, pw, y, argmax):
    """y = the maximum of each ph x pw tile of x (N, H, W, C), argmax = its offset i*pw + j (the first, in
    row-major order, on ties; a NaN wins, as np.maximum propagates it)."""
    n, ho, wo, c = y.shape
    for s in range(n):
        for p in range(ho):
            for q in range(wo):
                # Offset by offset, each a pass over the channels (contiguous, so the compiler vectorizes it).
                for k in range(c):
                    y[s, p, q, k] = x[s, p * ph, q * pw, k]
                    argmax[s, p, q, k] = 0
                for i in range(ph):
                    for j in range(pw):
                        for k in range(c):
                            value, best = x[s, p * ph + i, q * pw + j, k], y[s, p, q, k]
                            if not (value <= best or best != best):  # greater, or the first NaN
                                y[s, p, q, k] = value
                                argmax[s, p, q, k] = i * pw + j


def _route_tiles(dy, argmax, ph, pw, dx):
    """dx = dy at each tile's argmax, 0 elsewhere in the tile (the rows and columns no tile covers untouched)."""
    n, ho, wo, c = dy.shape
    zero = dy.dtype.type(0)
    for s in range(n):
        for p in range(ho):
            for q in range(wo):
                for i in range(ph):
                    for j in range(pw):
                        index = i * pw + j
                        for k in range(c):
                            dx[s, p * ph + i, q * pw + j, k] = dy[s, p, q, k] if argmax[s, p, q, k] == index else zero


max_pool_tiles = _Kernel(_max_pool_tiles)
route_tiles = _Kernel(_route_tiles)


def _relu(out, x):
    """out = max(x, 0) (1-D arrays, distinct; a NaN stays NaN, as NumPy's maximum): one vectorized select, where
    NumPy's maximum took 1.6x as long (6.4 MB of float32 in cache, on the AMD Zen 4 machine: 0.28 against 0.18 ms).
    For out and x the same array, `relu_in_place`: the compiler's check that out and x do not overlap fails
    there, and its scalar fallback was 2.4x slower."""
    zero = x.dtype.type(0)
    for index in range(out.size):
        value = x[index]
        out[index] = zero if value < zero else value


def _relu_in_place(x):
    """x = max(x, 0) in place (a 1-D array): a store only where x < 0 (6.4 MB of float32 in cache, on the AMD Zen 4
    machine: 0.10 ms, NumPy's maximum 0.16 ms)."""
    zero = x.dtype.type(0)
    for index in range(x.size):
        if x[index] < zero:
            x[index] = zero


def _relu_gradient(out, dy, y):
    """out = dy * (y > 0) (1-D arrays; a NaN or infinite dy stays NaN, as NumPy's product): ReLU's backward pass
    in one pass, without NumPy's boolean temporary (a 1.6M-value float32 slice: 0.81 ms with NumPy, 0.43 ms
    compiled, on the AMD Zen 4 machine)."""
    one, zero = dy.dtype.type(1), dy.dtype.type(0)
    for index in range(out.size):
        out[index] = dy[index] * (one if y[index] > 0 else zero)


def _add_bias_relu(z, bias):
    """z = max(z + b, 0) in place, for z (rows, n) and b (n,) (a NaN stays NaN): a dense layer's bias and ReLU in one
    pass over z, where NumPy takes one for each (and its broadcast add is a call of its own, slow right after the
    layer's matrix product has left the caches to it)."""
    zero = z.dtype.type(0)
    rows, columns = z.shape
    for row in range(rows):
        for column in range(columns):
            value = z[row, column] + bias[column]
            z[row, column] = zero if value < zero else value


def _softmax_rows(x, out):
    """out = exp(x - max) / sum exp(x - max) along each row of x (rows, n), NumPy's steps in one call: the maximum (a
    NaN in a row makes the row NaN, as NumPy's maximum propagates it), the exponentials and their sum, the quotient.
    Right after a matrix product has left the caches to them, NumPy's five calls on a batch of class scores cost
    several times what they cost alone. ``out`` may be x itself."""
    rows, columns = x.shape
    for row in range(rows):
        largest = x[row, 0]
        for column in range(1, columns):
            value = x[row, column]
            if value > largest or value != value:
                largest = value
        total = x.dtype.type(0)
        for column in range(columns):
            value = np.exp(x[row, column] - largest)
            out[row, column] = value
            total += value
        for column in range(columns):
            out[row, column] /= total


def _add_scaled_flat(out, x, alpha):
    """out += alpha * x (1-D arrays) in one pass, which returns sum(out^2) of the result: a plain gradient-descent
    step, which NumPy takes in two, through a temporary (a whole MLP epoch, 784-1024-1024-10 on MNIST, 6% faster on
    the AMD Zen 4 machine), and the squared norm by which `fit` checks that the parameter is still finite, without
    reading it again (the MLP's parameters, after two matrix products: 0.57 ms for the step with its sum, as for
    the step alone, against 0.87 ms for the step and a BLAS dot product). The sum may be added in any order
    (compiled with reassociation, so that it vectorizes); the step itself is computed exactly as NumPy's."""
    total = out.dtype.type(0)
    for index in range(out.size):
        value = out[index] + alpha * x[index]
        out[index] = value
        total += value * value
    return total


relu = _Kernel(_relu)
relu_in_place = _Kernel(_relu_in_place)
relu_gradient = _Kernel(_relu_gradient)
add_bias_relu = _Kernel(_add_bias_relu)
softmax_rows = _Kernel(_softmax_rows)
add_scaled_flat = _Kernel(_add_scaled_flat, fastmath={"reassoc"})


# Batch normalization's element-wise passes over a `layerwise.ops.normalization.fold_channels` view (rows of f C
# values, per-column vectors tiled f times), each reading its operands and writing its output once where NumPy takes
# a pass and often a temporary per operation. Measured on the AMD Zen 4 machine, one thread, a (128, 32, 32, 16)
# float32 batch: out = x s + b 1.7 ms (NumPy) against 0.7 ms; the input gradient s dy + a (x - mu) + c 3.8 against
# 1.2 ms. The column sums (sum dy, sum dy (x - mu)) were not faster compiled (1.2 against 0.8 ms), and stay NumPy's;
# the forward pass's moments are compiled (`shifted_sums`), as they spare the passes over x - mu.


def _affine(source, scale, shift, out):
    """out = source * scale + shift, per column."""
    rows, width = source.shape
    for row in range(rows):
        for column in range(width):
            out[row, column] = source[row, column] * scale[column] + shift[column]


def _center_affine(folded, mean, scale, shift, centered, out):
    """centered = folded - mean; out = centered * scale + shift, per column."""
    rows, width = folded.shape
    for row in range(rows):
        for column in range(width):
            value = folded[row, column] - mean[column]
            centered[row, column] = value
            out[row, column] = value * scale[column] + shift[column]


def _combine(dy, scale, centered, on_centered, constant, out):
    """out = dy * scale + centered * on_centered + constant, per column."""
    rows, width = dy.shape
    for row in range(rows):
        for column in range(width):
            out[row, column] = (dy[row, column] * scale[column] + centered[row, column] * on_centered[column]
                                + constant[column])


def _shifted_sums(x, shift, sums, squares):
    """sums += the column sums of x - shift, squares += those of (x - shift)^2, in float64 (``shift`` one row of x,
    ``sums`` and ``squares`` float64 vectors): batch normalization's moments in one read of the batch."""
    rows, width = x.shape
    for row in range(rows):
        for column in range(width):
            value = np.float64(x[row, column]) - shift[column]
            sums[column] += value
            squares[column] += value * value


affine = _Kernel(_affine)
center_affine = _Kernel(_center_affine)
combine = _Kernel(_combine)
shifted_sums = _Kernel(_shifted_sums)


def _winograd_input(x, top, left, th, tw, out):
    """out[4a + b, tile] = (B^T d B)[a, b] of each 4x4 tile d of x (n, H, W, C) padded by ``top`` rows and ``left``
    columns of zeros, and by as many below and to the right as the 2 th + 2 by 2 tw + 2 tiled area needs, tiles in
    (n, row, column) order (`layerwise.ops.winograd.input_tiles`). B^T first along the rows, over a whole row of
    tiles at once, into a 4 x width x C scratch (its inner loop over the channels of every column), then B along
    each tile's columns. On the AMD Zen 4 machine, 64 samples of 32x32x16, this took 1.0-1.5 ms where B along the
    columns of each tile first took 1.8-1.9 ms, and one loop writing the 16 results of a channel from 16 scalar loads
    3-6 times as long (that loop did not vectorize). B along the columns writes one result per loop over the channels,
    from two rows: on the Intel Xeon VM, one loop writing all four results of a row took 1.04-1.8 times as long
    (chunks of 4-16 samples of 8x8 to 32x32 images of 3-64 channels), its loads and stores mostly scalar. Split so,
    the row pass took 1.2-2.4 times as long.

    The padding is never written out: a row of the tile area outside x is a row of zeros, chosen once per row of
    tiles, and the scratch's columns left and right of x are zeros it keeps (the row pass writes only x's). A padded
    copy of each chunk, made first, took 1.2-1.8 times as long on the Intel Xeon VM (chunks of 8-32 samples of 8x8
    to 32x32 images of 16-64 channels); choosing between x and zeros inside the inner loops took twice the time on the
    AMD Zen 4 machine, as the compiler did not vectorize them."""
    n, height, width, channels = x.shape
    rows = np.zeros((4, 2 * tw + 2, channels), dtype=x.dtype)
    zeros = np.zeros((width, channels), dtype=x.dtype)
    tile = 0
    for s in range(n):
        for i in range(th):
            r = 2 * i - top
            d0 = x[s, r] if 0 <= r < height else zeros
            d1 = x[s, r + 1] if 0 <= r + 1 < height else zeros
            d2 = x[s, r + 2] if 0 <= r + 2 < height else zeros
            d3 = x[s, r + 3] if 0 <= r + 3 < height else zeros
            for q in range(width):
                for c in range(channels):
                    rows[0, left + q, c] = d0[q, c] - d2[q, c]
                    rows[1, left + q, c] = d1[q, c] + d2[q, c]
                    rows[2, left + q, c] = d2[q, c] - d1[q, c]
                    rows[3, left + q, c] = d1[q, c] - d3[q, c]
            for a in range(4):
                row = rows[a]
                for b in range(4):
                    results = out[4 * a + b]
                    for j in range(tw):
                        e0, e1, e2, e3 = row[2 * j], row[2 * j + 1], row[2 * j + 2], row[2 * j + 3]
                        result = results[tile + j]
                        if b == 0:
                            for c in range(channels):
                                result[c] = e0[c] - e2[c]
                        elif b == 1:
                            for c in range(channels):
                                result[c] = e1[c] + e2[c]
                        elif b == 2:
                            for c in range(channels):
                                result[c] = e2[c] - e1[c]
                        else:
                            for c in range(channels):
                                result[c] = e1[c] - e3[c]
            tile += tw


def _winograd_output(products, th, tw, y):
    """y's 2x2 tiles = A^T M A of each tile's 16 products (`layerwise.ops.winograd.output_tiles`)."""
    filters = y.shape[3]
    summed = np.empty((2, 4, filters), dtype=products.dtype)
    tile = 0
    for s in range(len(y)):
        for i in range(th):
            for j in range(tw):
                for b in range(4):
                    for f in range(filters):
                        m1, m2 = products[4 + b, tile, f], products[8 + b, tile, f]
                        summed[0, b, f] = products[b, tile, f] + m1 + m2
                        summed[1, b, f] = m1 - m2 - products[12 + b, tile, f]
                for a in range(2):
                    left, right = y[s, 2 * i + a, 2 * j], y[s, 2 * i + a, 2 * j + 1]
                    for f in range(filters):
                        left[f] = summed[a, 0, f] + summed[a, 1, f] + summed[a, 2, f]
                        right[f] = summed[a, 1, f] - summed[a, 2, f] - summed[a, 3, f]
                tile += 1


def _winograd_output_gradient(dy, th, tw, out):
    """out = A dJ/dY A^T of each 2x2 tile of dy (`layerwise.ops.winograd.output_gradient_tiles`): with the tile's rows
    t and u, A along the rows gives (t, t + u, t - u, -u) and A along the columns (r0, r0 + r1, r0 - r1, -r1) of each.
    Each of the 16 results is one loop over the filters reading the tile's pixels, added in the order of the two
    steps (so exactly as NumPy's reference). On the Intel Xeon VM this took 0.69-0.93 times the time of the two steps
    through a scratch of rows, whose loops each wrote four results (chunks of 4-16 samples, 8x8 to 32x32, 16-64
    filters)."""
    filters = dy.shape[3]
    tile = 0
    for s in range(len(dy)):
        for i in range(th):
            top, bottom = dy[s, 2 * i], dy[s, 2 * i + 1]
            for a in range(4):
                for b in range(4):
                    results = out[4 * a + b]
                    for j in range(tw):
                        t0, t1, u0, u1 = top[2 * j], top[2 * j + 1], bottom[2 * j], bottom[2 * j + 1]
                        r = results[tile + j]
                        if a == 0:
                            if b == 0:
                                for f in range(filters):
                                    r[f] = t0[f]
                            elif b == 1:
                                for f in range(filters):
                                    r[f] = t0[f] + t1[f]
                            elif b == 2:
                                for f in range(filters):
                                    r[f] = t0[f] - t1[f]
                            else:
                                for f in range(filters):
                                    r[f] = -t1[f]
                        elif a == 1:
                            if b == 0:
                                for f in range(filters):
                                    r[f] = t0[f] + u0[f]
                            elif b == 1:
                                for f in range(filters):
                                    r[f] = (t0[f] + u0[f]) + (t1[f] + u1[f])
                            elif b == 2:
                                for f in range(filters):
                                    r[f] = (t0[f] + u0[f]) - (t1[f] + u1[f])
                            else:
                                for f in range(filters):
                                    r[f] = -(t1[f] + u1[f])
                        elif a == 2:
                            if b == 0:
                                for f in range(filters):
                                    r[f] = t0[f] - u0[f]
                            elif b == 1:
                                for f in range(filters):
                                    r[f] = (t0[f] - u0[f]) + (t1[f] - u1[f])
                            elif b == 2:
                                for f in range(filters):
                                    r[f] = (t0[f] - u0[f]) - (t1[f] - u1[f])
                            else:
                                for f in range(filters):
                                    r[f] = -(t1[f] - u1[f])
                        elif b == 0:
                            for f in range(filters):
                                r[f] = -u0[f]
                        elif b == 1:
                            for f in range(filters):
                                r[f] = -u0[f] - u1[f]
                        elif b == 2:
                            for f in range(filters):
                                r[f] = -u0[f] + u1[f]
                        else:
                            for f in range(filters):
                                r[f] = u1[f]
            tile += tw


winograd_input = _Kernel(_winograd_input)
winograd_output = _Kernel(_winograd_output)
winograd_output_gradient = _Kernel(_winograd_output_gradient)
