"""Training measured at chosen steps: what the gradient and normalization experiments share.

An epoch is too coarse a clock for what happens in a network's first hundred updates (a gradient that explodes,
a distribution that moves), so these experiments train in mini-batch steps and measure the model at
checkpoints spaced as they choose (e.g. 0, 1, 3, 10, 30, ... steps).
"""

import numpy as np

from layerwise.errors import DivergenceError


def batch_order(count, steps, batch_size, seed):
    """The indices of the ``steps * batch_size`` examples that ``steps`` mini-batches of ``batch_size`` visit in
    a set of ``count`` examples: one new random order of the whole set per epoch, drawn from ``seed``."""
    rng = np.random.default_rng(seed)
    epochs = -(-steps * batch_size // count)
    return np.concatenate([rng.permutation(count) for _ in range(epochs)])[:steps * batch_size]


def train_with_checkpoints(model, x, y, checkpoints, batch_size, measure, seed=0):
    """Train a compiled ``model`` by mini-batch steps on (``x``, ``y``) and measure it at each checkpoint.

    Args:
        model: a compiled layerwise model; its optimizer keeps its state from one stretch of steps to the next.
        x, y: the training set.
        checkpoints: the increasing step counts at which ``measure`` is called (0: before any update).
        batch_size: examples per step.
        measure: a function of the model returning what is recorded at a checkpoint.
        seed: draws the order of the examples (`batch_order`).

    Returns:
        ``(measured, diverged_at)``: the list of ``measure``'s results at the checkpoints reached, and the first
        checkpoint by which the loss had become NaN or infinite (training stops there), or None.
    """
    order = batch_order(len(x), checkpoints[-1], batch_size, seed)
    measured, done = [], 0
    for step in checkpoints:
        if step > done:
            chosen = order[done * batch_size:step * batch_size]
            try:
                model.fit(x[chosen], y[chosen], batch_size=batch_size, epochs=1, shuffle=False, verbose=0)
            except DivergenceError:
                return measured, step
            done = step
        measured.append(measure(model))
    return measured, None
