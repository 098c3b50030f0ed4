"""Toy sequence tasks whose difficulty grows with the length: the adding problem and a delayed copy.

Both test what lecture 000 says of recurrent networks: an error signal that must travel back over many
steps vanishes (or explodes) unless the architecture keeps it alive, as the LSTM's cell does. They are
generated from a seed, so a run is reproducible without files.

References:
    Hochreiter & Schmidhuber, "Long short-term memory", 1997 (the adding problem, experiment 4).
    Le, Jaitly & Hinton, "A simple way to initialize recurrent networks of rectified linear units", 2015.
    Lecture 000 (vanishing and exploding gradients).
"""

import numpy as np

from layerwise.config import floatx
from layerwise.utils._arguments import check_integer


def adding_problem(num_samples, length, seed=0, dtype=None):
    """Sequences of (value, marker) pairs; the target is the sum of the two marked values.

    Each x[n] (length, 2) has values u_t ~ U[0, 1] in channel 0 and a marker in channel 1 that is 1 at one
    step of the first half and one step of the second half, 0 elsewhere; y[n] = sum of the two marked
    u_t. Always predicting 1 gives a mean squared error of 1/6 (the variance of the sum); a network
    that solves the task goes far below it.

    Args:
        num_samples: N.
        length: T >= 2, the sequence length (the distance the memory must span).
        seed: the generator's seed.
        dtype: float type (default `layerwise.config.floatx()`).

    Returns:
        ``(x, y)`` with x of shape (N, T, 2) and y of shape (N, 1).

    Example:
        >>> x, y = adding_problem(3, 10, seed=1)
        >>> x.shape, y.shape
        ((3, 10, 2), (3, 1))
        >>> bool(np.allclose((x[..., 0] * x[..., 1]).sum(axis=1, keepdims=True), y))
        True
    """
    for argument, value in (("num_samples", num_samples), ("length", length)):
        check_integer(value, argument, "adding_problem")
    if length < 2:
        raise ValueError(f"adding_problem: length must be at least 2, received {length}")
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(num_samples, length))
    half = length // 2
    rows = np.arange(num_samples)
    markers = np.zeros((num_samples, length))
    markers[rows, rng.integers(0, half, num_samples)] = 1.0
    markers[rows, rng.integers(half, length, num_samples)] = 1.0
    x = np.stack([values, markers], axis=-1)
    y = (values * markers).sum(axis=1, keepdims=True)
    dtype = dtype or floatx()
    return x.astype(dtype), y.astype(dtype)


def copy_task(num_samples, length, delay, num_symbols=4, seed=0, dtype=None):
    """Echo the input sequence ``delay`` steps later: y_t = x_{t - delay}, and a blank class before that.

    x[n, t] is a one-hot symbol out of ``num_symbols``; y[n, t] is one-hot over num_symbols + 1 classes,
    the symbol seen ``delay`` steps earlier, or the blank class (the last one) for t < delay. A network
    must hold ``delay`` symbols in its state; guessing scores 1 / num_symbols on the non-blank steps.

    Args:
        num_samples: N.
        length: T, the sequence length (> delay).
        delay: how many steps back the output looks.
        num_symbols: the alphabet size K.
        seed: the generator's seed.
        dtype: float type (default `layerwise.config.floatx()`).

    Returns:
        ``(x, y)`` with x of shape (N, T, K) and y of shape (N, T, K + 1).

    Example:
        >>> x, y = copy_task(2, 6, delay=2, num_symbols=3, seed=0)
        >>> x.shape, y.shape
        ((2, 6, 3), (2, 6, 4))
        >>> bool((y[:, 2:, :3] == x[:, :-2]).all()) and bool((y[:, :2, 3] == 1).all())
        True
    """
    for argument, value in (("num_samples", num_samples), ("length", length), ("delay", delay),
                            ("num_symbols", num_symbols)):
        check_integer(value, argument, "copy_task")
    if delay >= length:
        raise ValueError(f"copy_task: delay must be smaller than length ({length}), received {delay}")
    rng = np.random.default_rng(seed)
    symbols = rng.integers(0, num_symbols, size=(num_samples, length))
    targets = np.full((num_samples, length), num_symbols)
    targets[:, delay:] = symbols[:, :-delay]
    dtype = dtype or floatx()
    return np.eye(num_symbols, dtype=dtype)[symbols], np.eye(num_symbols + 1, dtype=dtype)[targets]
