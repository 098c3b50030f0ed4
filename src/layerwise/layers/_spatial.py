"""Argument checks shared by the convolution, pooling and reshaping layers (Keras's conv_utils)."""

from layerwise.utils._arguments import is_integer


def normalize_tuple(value, rank, name, layer, minimum=1):
    """An int or a sequence of ``rank`` ints, each >= ``minimum``, as a tuple of ``rank`` ints."""
    values = (value,) * rank if isinstance(value, int) and not isinstance(value, bool) else tuple(value)
    if len(values) != rank or not all(is_integer(v, minimum) for v in values):
        raise ValueError(f"{layer}: {name} must be an integer >= {minimum} or a tuple of {rank} such "
                         f"integers, received {value!r}")
    return values


def normalize_padding(value, layer, allowed=("valid", "same")):
    """'valid' or 'same' (case-insensitive, as Keras), checked."""
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(f"{layer}: padding must be one of {allowed}, received {value!r}")
    return padding


#: The layout of inputs with 1, 2 or 3 spatial axes, for messages.
LAYOUTS = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)",
           3: "(batch, depth, height, width, channels)"}


def check_rank(input_shape, rank, layer, what="(batch, height, width, channels)"):
    """Raise unless ``input_shape`` has ``rank`` axes, batch included."""
    if len(input_shape) != rank:
        raise ValueError(f"{layer} expects inputs of rank {rank} {what}, received shape "
                         f"{tuple(input_shape)}")


def normalize_pairs(value, name, layer):
    """Keras's 2-D padding/cropping argument: int, (rows, cols) or ((top, bottom), (left, right))."""
    try:
        if isinstance(value, int) and not isinstance(value, bool):
            pairs = ((value, value), (value, value))
        else:
            pairs = tuple((v, v) if isinstance(v, int) else tuple(v) for v in value)
    except TypeError:
        pairs = None
    if (pairs is None or len(pairs) != 2 or any(len(pair) != 2 for pair in pairs)
            or not all(is_integer(v, minimum=0) for pair in pairs for v in pair)):
        raise ValueError(f"{layer}: {name} must be a non-negative int, a pair of them or a pair of pairs "
                         f"((top, bottom), (left, right)), received {value!r}")
    return pairs


# A 1-D layer runs the 2-D kernels on images of height 1: (N, L, C) <-> (N, 1, L, C), k <-> (1, k);
# 2-D and 3-D layers run the kernels of their own rank on their inputs as they are.
def as_image_tuple(values, rank):
    return tuple(values) if rank >= 2 else (1,) + tuple(values)


def as_images(x, rank):
    return x if rank >= 2 else x[:, None]


def from_images(y, rank):
    return y if rank >= 2 else y[:, 0]
