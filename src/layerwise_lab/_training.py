"""What the optimization experiments share: a training curve, measured epoch by epoch."""

import math
import time

import numpy as np

from layerwise.errors import DivergenceError


def training_curve(model, x, y, epochs, batch_size, shuffle=True, progress=None, measured=None):
    """Train a compiled ``model`` one epoch at a time and measure it on the whole training set (or a fixed
    part of it) after each.

    The measured quantities are those of ``model.evaluate`` (the loss J(θ) and the compiled metrics) at the
    weights θ_0 (before training), θ_1, ..., θ_epochs, so a curve is the loss of the weights and not the
    running mean over an epoch's batches, which lags behind them. ``seconds`` counts the time spent in
    `fit` only, so measuring does not count against a method's speed. A run whose loss becomes NaN or
    infinite (a learning rate too large) stops there: its later epochs record an infinite loss and time and
    no metric (None).

    Args:
        model: a compiled layerwise model.
        x, y: the training set.
        epochs: the number of passes over it.
        batch_size: samples per update; ``len(x)`` for (full-batch) gradient descent.
        shuffle: draw a new order every epoch (lecture 003), or keep the order of ``x``.
        progress: optional wrapper of the epoch iterator (e.g. ``lambda it: trial.progress(it, desc)``).
        measured: optional ``(x, y)`` to measure on instead of the whole training set, e.g. a fixed subset of
            it when measuring everything every epoch would cost as much as training.

    Returns:
        ``{"seconds": [...], "loss": [...], <metric>: [...]}``, each list of length ``epochs + 1``.
    """
    x_measured, y_measured = measured if measured is not None else (x, y)

    def measure():
        # A diverged model's outputs overflow; that is recorded as an infinite loss rather than warned about.
        with np.errstate(over="ignore", invalid="ignore"):
            return model.evaluate(x_measured, y_measured, batch_size=min(len(x_measured), 5000), verbose=0,
                                  return_dict=True)

    curve, seconds = {}, 0.0
    for epoch in (progress or iter)(range(epochs + 1)):
        if epoch:
            clock = time.perf_counter()
            try:
                model.fit(x, y, epochs=1, batch_size=batch_size, shuffle=shuffle, verbose=0)
            except DivergenceError:
                break
            seconds += time.perf_counter() - clock
        measured = measure()
        if not math.isfinite(measured["loss"]):
            break
        for key, value in {"seconds": seconds, **measured}.items():
            curve.setdefault(key, []).append(float(value))
    missing = epochs + 1 - len(curve["seconds"])
    for key, values in curve.items():
        values.extend([math.inf if key in ("seconds", "loss") else None] * missing)
    return curve
