"""Element-wise kernels that write into the buffer they are given, split over the executor's lanes."""

import numpy as np

from layerwise.ops import _compiled
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


def add_scaled_norm(out, x, alpha, scratch=None):
    """out += alpha * x for arrays of one shape, and the squared norm of the result: in one compiled pass when the
    compiled kernels run and both are contiguous (`layerwise.ops._compiled`), else through ``scratch`` (or a
    temporary) and then None, as a norm would take another pass; alpha in ``out``'s dtype. The norm is summed in
    ``out``'s dtype and in any order: it tells whether the result is finite and not too large to square.

    Example:
        >>> import numpy as np
        >>> out = np.ones(2)
        >>> norm = add_scaled_norm(out, np.array([2.0, 4.0]), -0.5)
        >>> out, norm in (None, 1.0)  # 1.0 where the step ran compiled
        (array([ 0., -1.]), True)
    """
    alpha = out.dtype.type(alpha)
    if _compiled.runs_on(out, x) and out.flags.c_contiguous and x.flags.c_contiguous and out.shape == x.shape:
        return float(_compiled.add_scaled_flat(out.reshape(-1), x.reshape(-1), alpha))
    out += np.multiply(x, alpha, out=scratch)
    return None
