"""Label encoding helpers."""

import numpy as np


def to_categorical(y, num_classes=None, dtype="float32") -> np.ndarray:
    """One-hot encode integer class labels, as `keras.utils.to_categorical`.

    Args:
        y: integer labels of any shape (a trailing axis of size 1 is dropped, as Keras does).
        num_classes: number of classes; defaults to ``max(y) + 1``.
        dtype: dtype of the result.

    Returns:
        An array of shape ``y.shape + (num_classes,)``.

    Example:
        >>> to_categorical([0, 2], num_classes=3)
        array([[1., 0., 0.],
               [0., 0., 1.]], dtype=float32)
    """
    y = np.asarray(y)
    if y.ndim > 1 and y.shape[-1] == 1:
        y = y.reshape(y.shape[:-1])
    if y.size and not np.all(np.equal(np.mod(y, 1), 0)):
        raise ValueError("to_categorical: expected integer class labels, received non-integer values")
    y = y.astype(np.int64)
    if num_classes is None:
        num_classes = int(y.max()) + 1 if y.size else 0
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"to_categorical: labels must lie in [0, {num_classes}), received range "
            f"[{y.min()}, {y.max()}]"
        )
    out = np.zeros(y.shape + (num_classes,), dtype=dtype)
    np.put_along_axis(out, y[..., None], 1, axis=-1)
    return out


def normalize(x, axis=-1, order=2) -> np.ndarray:
    """x divided by its ``order``-norm along ``axis`` (a zero vector stays zero), as `keras.utils.normalize`.

    Example:
        >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
        array([[0.6, 0.8],
               [0. , 0. ]])
    """
    x = np.asarray(x)
    norms = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norms == 0, 1, norms).astype(x.dtype, copy=False)
