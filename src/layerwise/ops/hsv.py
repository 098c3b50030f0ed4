"""Hue rotation and saturation scaling of RGB pixels (..., 3), as an RGB -> HSV -> RGB round trip computes them,
written in RGB with their backward passes.

With M = max_c x_c (HSV's V), m = min_c x_c and the chroma C = M - m, the round trip of a pixel is
x_c = M - C t(k_c), k_c = (n_c + 6H) mod 6 with n = (5, 3, 1) for (R, G, B) and t(k) = clip(min(k, 4 - k), 0, 1);
6H = 2j + h with j the index of the largest channel and h = (x_a - x_b) / C, (a, b) the channels after it
((G, B) for R, (B, R) for G, (R, G) for B). Changing H or S and mapping back therefore moves x only through M, m,
C and h, whose derivatives are one-hot in the largest and smallest channels.
"""

import numpy as np

_OFFSETS = np.array([5.0, 3.0, 1.0])
_CHANNELS = np.arange(3)


def _extremes(x):
    """The one-hot masks of each pixel's largest and smallest channel and the values M and m, (..., 1)."""
    top, bottom = x.argmax(axis=-1)[..., None], x.argmin(axis=-1)[..., None]
    return (_CHANNELS == top, _CHANNELS == bottom, np.take_along_axis(x, top, -1),
            np.take_along_axis(x, bottom, -1), top)


def hue_rotate(x, turns):
    """Rotate each pixel's hue by ``turns`` of a full turn (broadcast against (..., 1)); returns y and the record.

    y_c = M - C t(k_c + 6 turns), whose derivative, with t'_c = dt/dk, is
    dJ/dx = e_M sum_c g_c (1 - t_c + t'_c h) + e_m sum_c g_c (t_c - t'_c h) - (e_a - e_b) sum_c g_c t'_c.
    """
    is_top, is_bottom, high, low, top = _extremes(x)
    chroma = high - low
    after, before = (top + 1) % 3, (top + 2) % 3
    h = (np.take_along_axis(x, after, -1) - np.take_along_axis(x, before, -1)) / np.where(chroma > 0, chroma, 1)
    # In x's float type throughout: the offsets and turns would otherwise promote the whole batch to float64.
    k = (_OFFSETS.astype(x.dtype) + (2 * top).astype(x.dtype) + h + np.asarray(6 * turns, dtype=x.dtype)) % 6
    t = np.clip(np.minimum(k, 4 - k), 0, 1)
    slope = (k < 1).astype(x.dtype) - ((k > 3) & (k < 4))
    y = (high - chroma * t).astype(x.dtype, copy=False)
    record = {"is_top": is_top, "is_bottom": is_bottom, "is_after": _CHANNELS == after,
              "is_before": _CHANNELS == before, "h": h, "t": t.astype(x.dtype), "slope": slope.astype(x.dtype)}
    return y, record


def hue_rotate_backward(dy, record):
    """dJ/dx of `hue_rotate` from dJ/dy (see its formula)."""
    t, slope, h = record["t"], record["slope"], record["h"]
    to_top = np.sum(dy * (1 - t + slope * h), axis=-1, keepdims=True)
    to_bottom = np.sum(dy * (t - slope * h), axis=-1, keepdims=True)
    along = np.sum(dy * slope, axis=-1, keepdims=True)
    dx = record["is_top"] * to_top + record["is_bottom"] * to_bottom + (record["is_before"] * along
                                                                          - record["is_after"] * along)
    return dx.astype(dy.dtype, copy=False)


def saturate(x, scale):
    """Scale each pixel's HSV saturation S = C / M by ``scale`` (>= 0, broadcast against (..., 1)), capped at 1.

    With q_c = (x_c - m) / C, the new chroma D = min(scale C, M) gives y_c = M - D (1 - q_c): y = M + s (x - M)
    below the cap, y_c = M q_c at it. Pixels with M <= 0 (no saturation in HSV) are left as they are.
    Backward: below the cap dJ/dx = s g + e_M (1 - s) sum_c g_c; at it, with r = M / C,
    dJ/dx = r g + e_M (1 - r) sum_c g_c q_c + e_m r sum_c g_c (q_c - 1).
    """
    is_top, is_bottom, high, low, _ = _extremes(x)
    chroma = high - low
    capped = (scale * chroma > high) & (high > 0)
    ratio = np.where(capped, high / np.where(capped, chroma, 1), scale).astype(x.dtype)
    q = (x - low) / np.where(chroma > 0, chroma, 1)
    kept = high <= 0
    y = np.where(kept, x, np.where(capped, high * q, high + ratio * (x - high))).astype(x.dtype, copy=False)
    record = {"is_top": is_top, "is_bottom": is_bottom, "capped": capped, "kept": kept, "ratio": ratio,
              "q": q.astype(x.dtype, copy=False)}
    return y, record


def saturate_backward(dy, record):
    """dJ/dx of `saturate` from dJ/dy (see its formula)."""
    ratio, q, capped = record["ratio"], record["q"], record["capped"]
    total = np.sum(dy, axis=-1, keepdims=True)
    weighted = np.sum(dy * q, axis=-1, keepdims=True)
    to_top = (1 - ratio) * np.where(capped, weighted, total)
    to_bottom = np.where(capped, ratio * (weighted - total), 0)
    dx = ratio * dy + record["is_top"] * to_top + record["is_bottom"] * to_bottom
    return np.where(record["kept"], dy, dx).astype(dy.dtype, copy=False)
