"""Element-wise kernels that write into the buffer they are given, split over the executor's lanes."""

import numpy as np

from layerwise.ops._lanes import elementwise_in_lanes


def _sum(out, first, second, *rest):
    np.add(first, second, out=out)
    for x in rest:
        out += x


def sum_into(out, arrays):
    """out = x_1 + ... + x_k for k >= 2 arrays of ``out``'s shape (broadcast ones too); returns ``out``.

    Example:
        >>> import numpy as np
        >>> sum_into(np.empty(2), [np.ones(2), np.full(2, 2.0), np.ones(2)])
        array([4., 4.])
    """
    return elementwise_in_lanes(_sum, out, *arrays)
