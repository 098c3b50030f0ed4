"""pad_sequences: lists of variable-length sequences to one array, as `keras.utils.pad_sequences`."""

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0):
    """Pad (or truncate) every sequence to ``maxlen`` steps and stack them into one array.

    Args:
        sequences: a list of sequences (lists or arrays, of scalars or of equal-shaped steps).
        maxlen: the length of the result (default: the longest sequence).
        dtype: the dtype of the result.
        padding: "pre" (default, as Keras) pads at the start, "post" at the end.
        truncating: "pre" (default) drops a long sequence's first steps, "post" its last.
        value: the padding value.

    Returns:
        An array of shape (len(sequences), maxlen, *step shape).

    Example:
        >>> pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3],
               [0, 4]], dtype=int32)
        >>> pad_sequences([[1], [2, 3]], padding="post")
        array([[1, 0],
               [2, 3]], dtype=int32)
    """
    for argument, choice in (("padding", padding), ("truncating", truncating)):
        if choice not in ("pre", "post"):
            raise ValueError(f"pad_sequences: {argument} must be 'pre' or 'post', received {choice!r}")
    sequences = [np.asarray(sequence) for sequence in sequences]
    lengths = [len(sequence) for sequence in sequences]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    step_shape = next((s.shape[1:] for s in sequences if len(s)), ())
    out = np.full((len(sequences), maxlen, *step_shape), value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        if not len(kept) or not maxlen:
            continue
        if kept.shape[1:] != step_shape:
            raise ValueError(f"pad_sequences: sequence {row} has steps of shape {kept.shape[1:]}, the others "
                             f"{step_shape}")
        if padding == "post":
            out[row, :len(kept)] = kept
        else:
            out[row, maxlen - len(kept):] = kept
    return out
