"""The (before, after) arguments of the 1-D and 3-D padding and cropping layers."""

from layerwise.utils._arguments import is_integer


def normalize_ends(value, name, layer):
    """Keras's 1-D padding/cropping argument, an int or (left, right), as a pair of non-negative ints."""
    pair = (value, value) if is_integer(value, minimum=0) else tuple(value) if isinstance(value, (list, tuple)) else ()
    if len(pair) != 2 or not all(is_integer(v, minimum=0) for v in pair):
        raise ValueError(f"{layer}: {name} must be a non-negative int or a pair (left, right) of them, "
                         f"received {value!r}")
    return pair


def normalize_volume_pairs(value, name, layer):
    """Keras's 3-D padding/cropping argument, an int, three ints or three (before, after) pairs, as three pairs."""
    try:
        if is_integer(value, minimum=0):
            pairs = ((value, value),) * 3
        else:
            pairs = tuple((v, v) if is_integer(v, minimum=0) else tuple(v) for v in value)
    except TypeError:
        pairs = ()
    if len(pairs) != 3 or any(len(pair) != 2 or not all(is_integer(v, minimum=0) for v in pair) for pair in pairs):
        raise ValueError(f"{layer}: {name} must be a non-negative int, three of them or three pairs "
                         f"((front, back), (top, bottom), (left, right)), received {value!r}")
    return pairs
