"""IntegerLookup: integer tokens mapped to vocabulary indices (or back), the vocabulary given or learned."""

import numpy as np

from layerwise.layers.preprocessing._categorical import CategoricalLayer, data_batches
from layerwise.utils._arguments import check_integer


def _token(value, argument):
    if value is None or (isinstance(value, (int, np.integer)) and not isinstance(value, bool)):
        return None if value is None else int(value)
    raise ValueError(f"IntegerLookup: {argument} must be an integer or None, received {value!r}")


class IntegerLookup(CategoricalLayer):
    """Indices of integer tokens, laid out as Keras's: [mask token (index 0, "int" mode only)] [num_oov_indices
    out-of-vocabulary indices] [the vocabulary, most frequent first after `adapt`]. A token of the vocabulary maps to
    its index, the mask token to 0 ("int"; left out of the other encodings), any other token t to the OOV index
    first_oov + (t mod num_oov_indices); the indices are then encoded by ``output_mode``. With ``invert=True`` the
    layer maps indices back to tokens (OOV indices and indices out of range to ``oov_token``). Inputs are rounded
    to integers (integer arrays are kept exact); piecewise constant, so dJ/dx = 0, which backward returns.

    Differences from Keras: outputs are floats of the layer's dtype (Keras: int64 in "int" mode; use
    dtype="float64" for tokens beyond 2**24); several OOV indices are chosen by t mod num_oov_indices (Keras hashes);
    "tf_idf" and ``idf_weights`` are not supported; a vocabulary file path is not accepted.

    Args:
        max_tokens: the largest vocabulary size, special tokens included (None: unbounded).
        num_oov_indices: the number of OOV indices (default 1; 0 makes an unknown token an error).
        mask_token: the token meaning "masked" (None: no mask).
        oov_token: the token OOV indices map back to with ``invert`` (default -1).
        vocabulary: the tokens (a list of distinct integers), or None to learn them with `adapt`.
        vocabulary_dtype: "int64" or "int32" (the tokens' type).
        idf_weights: must be None.
        invert: map indices to tokens instead ("int" output only).
        output_mode: "int" (default), "one_hot", "multi_hot" or "count".
        sparse: must be False (dense outputs only).
        pad_to_max_tokens: encode over max_tokens categories rather than the vocabulary's size.
        **kwargs: `Layer` arguments.

    Input shape:
        (batch, ...) integer tokens (indices with ``invert``).

    Output shape:
        As `CategoryEncoding`'s, over `vocabulary_size()` categories (max_tokens with ``pad_to_max_tokens``).

    Example:
        >>> import numpy as np
        >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
        >>> layer(np.array([[12, 1138, 42], [42, 1000, 36]]))  # 1000 is out of the vocabulary: index 0
        array([[1., 3., 4.],
               [4., 0., 2.]], dtype=float32)
        >>> IntegerLookup(vocabulary=[12, 36, 1138, 42], invert=True)(np.array([[1, 3, 4], [4, 0, 2]])).astype(int)
        array([[  12, 1138,   42],
               [  42,   -1,   36]])

    References:
        Keras ``keras.layers.IntegerLookup``.
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1, vocabulary=None,
                 vocabulary_dtype="int64", idf_weights=None, invert=False, output_mode="int", sparse=False,
                 pad_to_max_tokens=False, **kwargs):
        super().__init__(output_mode, sparse, **kwargs)
        self.num_oov_indices = check_integer(num_oov_indices, "num_oov_indices", "IntegerLookup", minimum=0)
        self.mask_token, self.oov_token = _token(mask_token, "mask_token"), _token(oov_token, "oov_token")
        if vocabulary_dtype not in ("int64", "int32"):
            raise ValueError(f"IntegerLookup: vocabulary_dtype must be 'int64' or 'int32', received "
                             f"{vocabulary_dtype!r}")
        if idf_weights is not None:
            raise ValueError("IntegerLookup: idf_weights (the 'tf_idf' output mode) is not supported, received "
                             f"{idf_weights!r}")
        if invert and output_mode != "int":
            raise ValueError(f"IntegerLookup: invert=True needs output_mode='int', received {output_mode!r}")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("IntegerLookup: pad_to_max_tokens=True needs max_tokens, received max_tokens=None")
        self.vocabulary_dtype, self.invert, self.pad_to_max_tokens = vocabulary_dtype, bool(invert), pad_to_max_tokens
        # The mask token has index 0 only in "int" mode; the other encodings leave it out.
        self.mask_slots = int(self.mask_token is not None and output_mode == "int")
        self.first_token = self.mask_slots + self.num_oov_indices
        self.max_tokens = check_integer(max_tokens, "max_tokens", "IntegerLookup", minimum=self.first_token + 1,
                                        allow_none=True)
        self.tokens = np.zeros(0, dtype=np.int64)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)

    def set_vocabulary(self, vocabulary):
        """Use ``vocabulary`` (distinct integers, special tokens excluded) as the tokens, in that order."""
        tokens = np.asarray(vocabulary)
        if tokens.ndim != 1 or not (tokens.size == 0 or np.issubdtype(tokens.dtype, np.integer)):
            raise ValueError(f"Layer '{self.name}' (IntegerLookup): vocabulary must be a list of integers, received "
                             f"{vocabulary!r}")
        special = {self.mask_token, self.oov_token if self.num_oov_indices else None} - {None}
        if len(np.unique(tokens)) != tokens.size or special & set(tokens.tolist()):
            raise ValueError(f"Layer '{self.name}' (IntegerLookup): vocabulary must hold distinct tokens other than "
                             f"the mask and OOV tokens {sorted(special)}, received {vocabulary!r}")
        if self.max_tokens is not None and self.first_token + tokens.size > self.max_tokens:
            raise ValueError(f"Layer '{self.name}' (IntegerLookup): {tokens.size} tokens and {self.first_token} "
                             f"special indices exceed max_tokens={self.max_tokens}")
        self.tokens = tokens.astype(np.int64)

    def adapt(self, data):
        """Learn the vocabulary from ``data`` (an array, or an iterable of batches x or (x, y)): its tokens by
        decreasing count (equal counts by decreasing value, as Keras), the mask and OOV tokens left out, at most what
        max_tokens allows."""
        seen = np.concatenate([np.rint(np.ravel(batch)).astype(np.int64) for batch in data_batches(data)])
        tokens, counts = np.unique(seen, return_counts=True)
        kept = ~np.isin(tokens, [t for t in (self.mask_token, self.oov_token) if t is not None])
        tokens, counts = tokens[kept], counts[kept]
        order = np.lexsort((tokens, counts))[::-1]
        room = None if self.max_tokens is None else self.max_tokens - self.first_token
        self.tokens = tokens[order][:room]

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens in index order: the mask token, one OOV token per OOV index, then the vocabulary (or the
        vocabulary only)."""
        special = [self.mask_token] * self.mask_slots + [self.oov_token] * self.num_oov_indices
        return (special if include_special_tokens else []) + self.tokens.tolist()

    def vocabulary_size(self):
        """The number of indices, special ones included."""
        return self.first_token + len(self.tokens)

    @property
    def depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()

    def forward_indices(self, x):
        ids = np.rint(x).astype(np.int64)
        if self.invert:
            table = np.array(self.get_vocabulary(), dtype=np.int64)
            inside = (ids >= 0) & (ids < len(table))
            return np.where(inside, table[np.clip(ids, 0, max(len(table) - 1, 0))], self.oov_token)
        order = np.argsort(self.tokens)
        position = np.clip(np.searchsorted(self.tokens[order], ids), 0, max(len(order) - 1, 0))
        known = (self.tokens[order][position] == ids) if len(order) else np.zeros(ids.shape, bool)
        masked = ids == self.mask_token if self.mask_token is not None else np.zeros(ids.shape, bool)
        unknown = ~known & ~masked
        if self.num_oov_indices == 0 and unknown.any():
            raise ValueError(f"Layer '{self.name}' (IntegerLookup) has num_oov_indices=0 and received tokens out of "
                             f"its vocabulary: {np.unique(ids[unknown])[:10].tolist()}")
        oov = self.mask_slots + np.mod(ids, max(self.num_oov_indices, 1))
        indices = np.where(known, self.first_token + order[position] if len(order) else 0, oov)
        return np.where(masked, 0 if self.output_mode == "int" else -1, indices)

    def get_config(self):
        return {**super().get_config(), "max_tokens": self.max_tokens, "num_oov_indices": self.num_oov_indices,
                "mask_token": self.mask_token, "oov_token": self.oov_token, "vocabulary": self.tokens.tolist(),
                "vocabulary_dtype": self.vocabulary_dtype, "invert": self.invert,
                "pad_to_max_tokens": self.pad_to_max_tokens}
