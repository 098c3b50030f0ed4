"""The ``value_range`` argument of the colour layers: (low, high) pixel values, (0, 255) for raw pixels."""


def check_value_range(layer, value_range):
    """``value_range`` as a sorted pair of floats (as Keras sorts it), else a ValueError naming the layer."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2 or value_range[0] == value_range[1]:
        raise ValueError(f"{layer}: value_range must be a pair (low, high) of different numbers, received "
                         f"{value_range!r}")
    return tuple(sorted(float(value) for value in value_range))
