"""The one check of integer arguments (units, batch_size, epochs, seeds ...), shared by the whole library,
and the error that names a bad entry of an array (a label out of range, a NaN) by its value and its index.

An integer argument is a Python or NumPy integer, never a bool (``True`` is an int to Python, never a count
to a user) and never a float, even an integral one: ``epochs=2.0`` is an error at the call, as in Keras,
rather than a TypeError from deep inside the loop that uses it.
"""

import numpy as np


def is_integer(value, minimum=1) -> bool:
    """Whether ``value`` is an integer (not a bool) and at least ``minimum``.

    Example:
        >>> is_integer(3), is_integer(0), is_integer(2.0), is_integer(True), is_integer(0, minimum=0)
        (True, False, False, False, True)
    """
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)) and value >= minimum


def integer_kind(minimum=1) -> str:
    """What `check_integer` expects, in words: "a positive integer", "a non-negative integer", ..."""
    return {1: "a positive integer", 0: "a non-negative integer"}.get(minimum, f"an integer >= {minimum}")


def check_integer(value, argument, owner, minimum=1, allow_none=False):
    """``value`` as an int when it is an integer >= ``minimum`` (or None, with ``allow_none``).

    Else a ValueError naming ``owner`` (the function or class), ``argument``, what was expected and what
    was received.

    Example:
        >>> check_integer(4, "units", "Dense")
        4
        >>> check_integer(-4, "units", "Dense")
        Traceback (most recent call last):
        ValueError: Dense: units must be a positive integer, received -4
    """
    if value is None and allow_none:
        return None
    if not is_integer(value, minimum):
        expected = integer_kind(minimum) + (" or None" if allow_none else "")
        raise ValueError(f"{owner}: {argument} must be {expected}, received {value!r}")
    return int(value)


def check_sample_shape(shape, argument, owner) -> tuple:
    """The shape of one sample (no batch axis) as a tuple: an int or a sequence of positive integers, None
    for an axis of free length (a sequence's time axis). Else a ValueError naming ``owner`` and ``argument``.

    Example:
        >>> check_sample_shape(784, "shape", "Input"), check_sample_shape([None, 8], "shape", "Input")
        ((784,), (None, 8))
    """
    dims = (shape,) if isinstance(shape, (int, np.integer)) else shape
    if isinstance(dims, (list, tuple)) and all(d is None or is_integer(d) for d in dims):
        return tuple(None if d is None else int(d) for d in dims)
    raise ValueError(f"{owner}: {argument} must be a tuple of positive integers (None for an axis of free "
                     f"length), received {shape!r}")


def locate(array, bad):
    """(index, value, count) of the first entry of ``array`` where the mask ``bad`` holds; the index is an int
    for a 1-D array, else a tuple."""
    index = np.unravel_index(int(np.argmax(bad)), bad.shape)
    index = int(index[0]) if len(index) == 1 else tuple(int(i) for i in index)
    value = array[index]
    return index, (value.item() if isinstance(value, np.generic) else value), int(np.count_nonzero(bad))


def refuse(owner, what, array, bad, expected, hint=""):
    """Raise a ValueError naming the first entry of ``array`` where ``bad`` holds: its value and its index.

    Args:
        owner: who refuses ("fit", "CategoricalCrossentropy").
        what: the array's name ("x", "targets").
        array: the array, as the user gave it.
        bad: a boolean mask of ``array``'s shape.
        expected: what every entry must be, in words ("numbers", "integers in [0, 3)").
        hint: what to do about it, appended after "; ".
    """
    if bad.any():
        index, value, count = locate(array, bad)
        raise ValueError(f"{owner}: {what} must be {expected}, received {value!r} at index {index} ({count} such "
                         f"value{'s' if count > 1 else ''})" + (f"; {hint}" if hint else ""))
