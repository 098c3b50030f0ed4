"""The library's random state: one NumPy Generator that every initializer and random layer draws from.

`set_random_seed(seed)` reseeds it (and NumPy's and Python's legacy generators, as Keras does), so the
same seed gives bit-identical weights, shuffling, dropout masks and training history.
"""

import random as _python_random

import numpy as np

from layerwise.utils._arguments import check_integer

_generator = np.random.default_rng()


def set_random_seed(seed: int) -> None:
    """Seed the library's generator, NumPy's global generator and Python's `random`.

    Args:
        seed: a non-negative integer.

    The library's generator is reseeded in place, so it stays the same object: whoever holds it,
    e.g. an unseeded layer created earlier, draws the reseeded stream.

    Example:
        >>> import layerwise
        >>> kept = layerwise.utils.random.generator()
        >>> layerwise.utils.set_random_seed(0)
        >>> a = kept.random()
        >>> layerwise.utils.set_random_seed(0)
        >>> a == layerwise.utils.random.generator().random()
        True
    """
    seed = check_integer(seed, "seed", "set_random_seed", minimum=0)
    # Reseed in place: a layer that kept `generator()` (make_generator(None)) before the call follows it.
    _generator.bit_generator.state = np.random.default_rng(int(seed)).bit_generator.state
    np.random.seed(int(seed) % 2**32)
    _python_random.seed(int(seed))


def generator() -> np.random.Generator:
    """Return the library's current random generator."""
    return _generator


def make_generator(seed=None) -> np.random.Generator:
    """A generator for an object created with ``seed``: its own stream if given, else the library's."""
    if seed is None:
        return _generator
    return np.random.default_rng(seed)
