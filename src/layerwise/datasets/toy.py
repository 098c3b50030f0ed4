"""The lectures' toy problems, generated deterministically from a seed.

Classification sets return ``(x, y)`` with x float32 of shape (N, d) and integer labels y of shape
(N,); the 1-D target functions return x and y of shape (N, 1), float32. The same ``seed`` always
gives the same arrays; ``seed=None`` draws from the library's generator (`set_random_seed`).

References:
    Lecture 000/002/004 (parity: depth versus width, Hastad); lecture 001 (XOR, which one linear
    layer cannot express; step-function approximation; the noisy moons and the saddle point of the
    optimizer animations).
"""

import math

import numpy as np

from layerwise.utils._arguments import check_integer
from layerwise.utils.random import make_generator


def _finish(x, y, noise, rng):
    """Add Gaussian noise of std ``noise`` to x and return float32 points with int64 labels."""
    if noise < 0:
        raise ValueError(f"toy: noise must be >= 0, received {noise!r}")
    if noise:
        x = x + rng.normal(scale=noise, size=x.shape)
    return x.astype(np.float32), y.astype(np.int64)


def parity(n_bits, n_samples=None, seed=None):
    """n-bit parity: y = x_1 XOR ... XOR x_n, the function a shallow network needs 2^n units for.

    Args:
        n_bits: the input width n.
        n_samples: None for all 2^n bit strings in binary counting order, else this many strings
            drawn uniformly.
        seed: seed of the draw.

    Returns:
        x of shape (N, n_bits) with entries 0/1 (float32), y of shape (N,) with the parity bit.

    Example:
        >>> x, y = parity(2)
        >>> x.tolist(), y.tolist()
        ([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [0, 1, 1, 0])
    """
    n_bits = check_integer(n_bits, "n_bits", "toy.parity")
    if n_samples is None:
        codes = np.arange(2 ** n_bits)
    else:
        codes = make_generator(seed).integers(0, 2 ** n_bits, size=check_integer(n_samples, "n_samples", "toy.parity"))
    bits = (codes[:, None] >> np.arange(n_bits - 1, -1, -1)) & 1
    return bits.astype(np.float32), (bits.sum(axis=1) % 2).astype(np.int64)


def xor(n_samples=None, noise=0.0, seed=None):
    """XOR: the four corners of the unit square (2-bit parity), or noisy samples around them.

    Args:
        n_samples: None for the four corners, else this many points at random corners.
        noise: standard deviation of Gaussian noise added to the points.
        seed: seed of the draw.

    Example:
        >>> xor()[1].tolist()
        [0, 1, 1, 0]
    """
    rng = make_generator(seed)
    x, y = parity(2, n_samples, seed=rng)
    return _finish(x, y, noise, rng)


def moons(n_samples=100, noise=0.1, seed=None):
    """Two interleaving half circles (scikit-learn's ``make_moons``), class 0 on top.

    Example:
        >>> x, y = moons(10, seed=0)
        >>> x.shape, int(y.sum())
        ((10, 2), 5)
    """
    n_samples = check_integer(n_samples, "n_samples", "toy.moons", minimum=2)
    outer, rng = n_samples // 2, make_generator(seed)
    angle = np.concatenate([np.linspace(0, np.pi, outer), np.linspace(0, np.pi, n_samples - outer)])
    lower = np.arange(n_samples) >= outer
    x = np.stack([np.where(lower, 1 - np.cos(angle), np.cos(angle)),
                  np.where(lower, 0.5 - np.sin(angle), np.sin(angle))], axis=1)
    return _finish(x, lower, noise, rng)


def circles(n_samples=100, noise=0.05, factor=0.5, seed=None):
    """Two concentric circles (``make_circles``): class 1 is the inner one, of radius ``factor``."""
    n_samples = check_integer(n_samples, "n_samples", "toy.circles", minimum=2)
    if not 0 < factor < 1:
        raise ValueError(f"toy.circles: factor must lie in (0, 1), received {factor!r}")
    outer, rng = n_samples // 2, make_generator(seed)
    angle = np.concatenate([np.linspace(0, 2 * np.pi, outer, endpoint=False),
                            np.linspace(0, 2 * np.pi, n_samples - outer, endpoint=False)])
    inner = np.arange(n_samples) >= outer
    radius = np.where(inner, factor, 1.0)
    return _finish(np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1), inner, noise, rng)


def spirals(n_samples=100, noise=0.0, turns=1.5, seed=None):
    """Two interleaved Archimedean spirals, the second the first rotated by 180 degrees."""
    n_samples = check_integer(n_samples, "n_samples", "toy.spirals", minimum=2)
    half, rng = n_samples // 2, make_generator(seed)
    second = np.arange(n_samples) >= half
    t = np.concatenate([np.linspace(0.1, 1, half), np.linspace(0.1, 1, n_samples - half)])
    angle = 2 * np.pi * turns * t + np.pi * second
    return _finish(np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1), second, noise, rng)


def blobs(n_samples=100, centers=3, n_features=2, cluster_std=1.0, center_box=(-10.0, 10.0), seed=None):
    """Isotropic Gaussian blobs (``make_blobs``): sample i belongs to cluster i mod k.

    Args:
        centers: the number k of clusters (centers drawn uniformly in ``center_box``), or a (k, d)
            array of centers.
    """
    n_samples = check_integer(n_samples, "n_samples", "toy.blobs")
    rng = make_generator(seed)
    if np.ndim(centers) == 0:
        k = check_integer(centers, "centers", "toy.blobs")
        centers = rng.uniform(*center_box, size=(k, check_integer(n_features, "n_features", "toy.blobs")))
    centers = np.asarray(centers, dtype=np.float64)
    labels = np.arange(n_samples) % len(centers)
    return _finish(centers[labels], labels, cluster_std, rng)


TARGET_FUNCTIONS = {
    "sine": np.sin,
    "step": lambda x: (x >= 0).astype(np.float64),
    "piecewise": lambda x: np.where(x < -1, -1.0, np.where(x < 1, x, 2.0 - x)),
}


def target_function(name, n_samples=200, noise=0.0, x_range=(-math.pi, math.pi), seed=None):
    """Samples of a 1-D function on an even grid, for the universal-approximation demos.

    ``"sine"`` is sin(x); ``"step"`` is the unit step 1[x >= 0]; ``"piecewise"`` is -1 left of -1,
    x on [-1, 1), and 2 - x from 1 on (a tent with a flat shoulder, continuous).

    Args:
        name: one of ``TARGET_FUNCTIONS``.
        n_samples: the number of grid points.
        noise: standard deviation of Gaussian noise added to y.
        x_range: (low, high) ends of the grid.
        seed: seed of the noise.

    Returns:
        x and y, both float32 of shape (n_samples, 1).

    Example:
        >>> x, y = target_function("step", 4, x_range=(-1, 1))
        >>> y.ravel().tolist()
        [0.0, 0.0, 1.0, 1.0]
    """
    if name not in TARGET_FUNCTIONS:
        raise ValueError(f"toy.target_function: unknown name {name!r}; expected one of {sorted(TARGET_FUNCTIONS)}")
    x = np.linspace(*x_range, check_integer(n_samples, "n_samples", "toy.target_function"))[:, None]
    y = TARGET_FUNCTIONS[name](x)
    if noise:
        y = y + make_generator(seed).normal(scale=noise, size=y.shape)
    return x.astype(np.float32), y.astype(np.float32)


def saddle(points):
    """The saddle f(u, v) = u^2 - v^2 at points of shape (..., 2): a minimum along u, a maximum along v.

    Example:
        >>> float(saddle(np.array([1.0, 2.0])))
        -3.0
    """
    points = np.asarray(points)
    return points[..., 0] ** 2 - points[..., 1] ** 2


def saddle_gradient(points):
    """The gradient (2u, -2v) of `saddle`, with the shape of ``points``; zero only at the origin."""
    points = np.asarray(points)
    return points * np.array([2, -2], dtype=points.dtype)
