"""Gradient checking by central differences: trust every gradient, or see which one is wrong.

`check_gradients` compares the backward pass of a layer or a model with
dJ/dθ_i ≈ (J(θ_i + h) - J(θ_i - h)) / 2h for the input and every parameter, in inference and training
modes. The scalar J is a fixed random projection sum(R * f(x)) of the output, or the model's compiled
loss, plus for a model its layers' activity penalties; its gradient then runs through exactly the path
training uses (the fused softmax/sigmoid + cross-entropy gradient when it applies). Random layers
(dropout) see the same random draws in every evaluation: the state of every generator is restored
before each forward pass.
"""

import numpy as np

from layerwise import losses as losses_module
from layerwise.utils import random as layerwise_random


__all__ = [
    "GradientCheckReport", "check_gradients",
]


class GradientCheckReport:
    """The outcome of `check_gradients`: one row per (mode, tensor).

    Attributes:
        rows: tuples (mode, tensor name, max absolute error, max relative error, passed).
        passed: whether every row passed.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Dense
        >>> layer = Dense(3, activation="tanh", dtype="float64", name="dense")
        >>> report = check_gradients(layer, np.random.default_rng(0).normal(size=(4, 5)), modes=("inference",))
        >>> report.passed, [(mode, tensor, ok) for mode, tensor, _, _, ok in report.rows]
        (True, [('inference', 'input', True), ('inference', 'dense/kernel', True), ('inference', 'dense/bias', True)])

        A report with a wrong gradient fails, and prints the row that went wrong:

        >>> report = GradientCheckReport([("training", "dense/kernel", 1e-10, 2e-9, True),
        ...                               ("training", "dense/bias", 0.5, 0.25, False)])
        >>> report.passed
        False
        >>> print(report)
        mode      tensor                               max abs err   max rel err  ok
        training  dense/kernel                           1.000e-10     2.000e-09  yes
        training  dense/bias                             5.000e-01     2.500e-01  NO
    """

    def __init__(self, rows):
        self.rows = rows

    @property
    def passed(self) -> bool:
        return all(row[-1] for row in self.rows)

    def __str__(self):
        lines = [f"{'mode':<10}{'tensor':<34}{'max abs err':>14}{'max rel err':>14}  ok"]
        lines += [f"{mode:<10}{name:<34}{abs_err:>14.3e}{rel_err:>14.3e}  {'yes' if ok else 'NO'}"
                  for mode, name, abs_err, rel_err, ok in self.rows]
        return "\n".join(lines)

    __repr__ = __str__


def _generators(target):
    """The library's generator and any generator a layer of the target owns."""
    found = [layerwise_random.generator()]
    for layer in target.flatten_layers():
        found += [v for v in vars(layer).values() if isinstance(v, np.random.Generator)]
    return found


def _flat(output):
    return output if isinstance(output, list) else [output]


def check_gradients(target, x, y=None, loss=None, modes=("inference", "training"), epsilon=1e-6,
                    rtol=1e-5, atol=1e-7, max_entries=64, seed=0) -> GradientCheckReport:
    """Compare analytic and central-difference gradients of the input and every trainable parameter.

    Args:
        target: a float64 layer or model (build it with ``dtype="float64"`` or under
            ``layerwise.config.set_floatx("float64")``).
        x: an input batch, or a list of them for a layer or model of several inputs (the rows are then
            named "input_0", "input_1" ...). A target of several outputs is projected output by output.
        y: targets, when a loss is checked.
        loss: a loss (name or object); defaults to the model's compiled loss when y is given.
        modes: "inference" and/or "training".
        epsilon: the finite-difference step h.
        rtol, atol: an entry passes if |a - n| <= atol or |a - n| / (|a| + |n|) <= rtol.
        max_entries: at most this many randomly chosen entries are checked per tensor.
        seed: seeds the projection R and the entry sampling.

    Returns:
        A `GradientCheckReport`; ``report.passed`` tells the verdict and ``print(report)`` the detail.

    Example:
        >>> import numpy as np
        >>> from layerwise.layers import Dense
        >>> layer = Dense(3, activation="tanh", dtype="float64")
        >>> check_gradients(layer, np.random.default_rng(0).normal(size=(4, 5))).passed
        True
    """
    several = isinstance(x, (list, tuple))
    xs = [np.asarray(a, dtype=np.float64) for a in (x if several else [x])]

    def fresh():
        copies = [a.copy() for a in xs]
        return copies if several else copies[0]
    rng = np.random.default_rng(seed)
    call = target.__call__
    if y is not None and loss is None:
        loss = getattr(target, "loss", None)
    loss = None if loss is None else losses_module.get(loss)
    call(fresh(), training=False)
    parameters = [p for p in target.weights if p.trainable and p.value.dtype == np.float64]
    if any(p.value.dtype != np.float64 for p in target.weights) or _flat(call(fresh()))[0].dtype != np.float64:
        raise ValueError("check_gradients needs a float64 target: build it with dtype='float64' or "
                         "under layerwise.config.set_floatx('float64')")
    generators = _generators(target)
    snapshot = [p.value.copy() for p in target.weights]
    rows = []
    for mode in modes:
        training = mode == "training"
        states = [g.bit_generator.state for g in generators]

        def objective(inputs):
            for generator, state in zip(generators, states):
                generator.bit_generator.state = state
            output = call(inputs, training=training)
            for parameter, value in zip(target.weights, snapshot):
                if not parameter.trainable:
                    parameter.value[...] = value
            return output

        output = objective(fresh())
        projection = [rng.normal(size=o.shape) for o in _flat(output)]
        if not isinstance(output, list):
            projection = projection[0]

        def scalar(output):
            # A model's backward adds its layers' activity-penalty gradients, so J includes the penalties.
            traced = hasattr(target, "layers") or getattr(target, "derives_backward", False)
            penalty = target.activity_penalty if traced else 0.0
            if loss is None:
                return float(sum(np.sum(r * o) for r, o in zip(_flat(projection), _flat(output)))) + penalty
            return float(np.mean(loss.call(y, output))) + penalty

        for parameter in parameters:
            parameter.grad[...] = 0
        output = objective(fresh())
        if loss is None:
            dx = target.backward(projection)
        elif hasattr(target, "layers") and loss.fuses_with(target.output_activation):
            dx = target.backward_preactivation(loss.fused_gradient(y, output))
        else:
            dx = target.backward(loss.gradient(y, output))
        inputs = [("input", xs[0], dx)] if not several else [
            (f"input_{i}", a, d) for i, (a, d) in enumerate(zip(xs, dx))]
        analytic = inputs + [(p.name, p.value, p.grad.copy()) for p in parameters]
        for name, array, gradient in analytic:
            entries = rng.permutation(array.size)[:max_entries]
            numeric, exact = [], []
            for flat in entries:
                index = np.unravel_index(flat, array.shape)
                original = array[index]
                array[index] = original + epsilon
                plus = scalar(objective(fresh()))
                array[index] = original - epsilon
                minus = scalar(objective(fresh()))
                array[index] = original
                numeric.append((plus - minus) / (2 * epsilon))
                exact.append(gradient[index])
            numeric, exact = np.array(numeric), np.array(exact)
            abs_err = np.abs(numeric - exact)
            rel_err = abs_err / np.maximum(np.abs(numeric) + np.abs(exact), 1e-300)
            ok = bool(np.all((abs_err <= atol) | (rel_err <= rtol)))
            rows.append((mode, name, float(abs_err.max(initial=0)), float(rel_err.max(initial=0)), ok))
    for parameter, value in zip(target.weights, snapshot):
        parameter.value[...] = value
    return GradientCheckReport(rows)
