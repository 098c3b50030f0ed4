"""The (left, right) argument of the 1-D padding and cropping layers."""

from layerwise.utils._arguments import is_integer


def normalize_ends(value, name, layer):
    """Keras's 1-D padding/cropping argument, an int or (left, right), as a pair of non-negative ints."""
    pair = (value, value) if is_integer(value, minimum=0) else tuple(value) if isinstance(value, (list, tuple)) else ()
    if len(pair) != 2 or not all(is_integer(v, minimum=0) for v in pair):
        raise ValueError(f"{layer}: {name} must be a non-negative int or a pair (left, right) of them, "
                         f"received {value!r}")
    return pair
