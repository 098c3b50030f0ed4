"""One hidden layer approximates a continuous function, ever better as its width N grows (lectures 000, 003, 004).

The universal approximation theorem (lecture 000) promises, for every ε > 0, some N and weights with
F(x) = sum_{i=1}^N v_i ψ(w_i^T x + b_i) within ε of f everywhere. Here ψ = tanh (bounded, continuous,
non-constant), f = sin on [-2π, 2π] (two periods: a few units cannot follow it), and the sup error
max |f - F| is read on a grid 25 times denser than the training points. The theorem is about existence,
so each width keeps the best of a few trained restarts.
"""

import math

import numpy as np

import layerwise
from layerwise import initializers, layers
from layerwise.datasets.toy import target_function
from layerwise.optimizers.schedules import CosineDecay
from layerwise_lab import Experiment, Verdict

X_RANGE = (-2 * math.pi, 2 * math.pi)
#: Largest rise of the sup error from one width to the next that still counts as "falling" (restart noise).
MAX_RISE = 2.0
#: The sup error at the largest width must be at most this fraction of the one at the smallest width.
MAX_FRACTION = 0.1


def one_hidden_layer(units):
    """F(x) = v^T tanh(w x + b) + c with N = ``units``; the hidden units' centres -b_i / w_i start spread
    over the domain (w ~ N(0, 1), b ~ U(-2π, 2π)), as the theorem's sum of shifted ψ needs, rather than all
    at x = 0 as Glorot weights with zero biases would put them."""
    hidden = layers.Dense(units, activation="tanh", kernel_initializer=initializers.RandomNormal(stddev=1.0),
                          bias_initializer=initializers.RandomUniform(*X_RANGE))
    return layerwise.Sequential([layerwise.Input(shape=(1,)), hidden, layers.Dense(1)])


def sup_error(model, x, y):
    """max_x |f(x) - F(x)| over the points ``x`` (the sup norm of lecture 004, on a grid)."""
    return float(np.max(np.abs(model.predict(x, batch_size=len(x), verbose=0) - y)))


class UniversalApproximation(Experiment):
    name = "universal-approximation"
    title = "Universal approximation: the sup error of one hidden layer falls as it widens"
    number = 1
    lectures = ("000_6a85cdb6fa74c7e4.txt", "003_177acb73fe647277.txt", "004_9756b27e24fda56d.txt")
    claim = (r"For every continuous function $f:[a,b]^D\to\mathbb{R}$ and for every $\epsilon>0$, there exists a "
             r"NN with one hidden layer such that $$\sup_{\mathbf{x} \in [a,b]^D} |f(\mathbf{x}) - y(\mathbf{x})| "
             r"< \epsilon$$")
    protocol = ("f = sin on [-2π, 2π] (layerwise.datasets.toy.target_function 'sine'), 400 evenly spaced "
                "training points; networks 1 → N tanh units → 1 linear output for N = 1, 2, 4, ..., 64, hidden "
                "weights w ~ N(0, 1) and biases b ~ U(-2π, 2π); full-batch Adam on the MSE, learning rate 0.01 "
                "with cosine decay over 5,000 steps; 3 restarts per N, the best kept (the theorem claims "
                "existence). The sup error is max |f - F| on 10,001 grid points. --quick: N = 1, 4, 16, "
                "1 restart, 1,000 steps.")
    criterion = (f"Held if the best sup error at the largest N is at most {MAX_FRACTION:.0%} of the one at N = 1 "
                 f"and it never rises by more than a factor {MAX_RISE:g} from one N to the next (falls nearly "
                 "monotonically); did not hold otherwise.")
    minutes = 0.75

    def run(self, trial):
        widths = trial.size((1, 2, 4, 8, 16, 32, 64), (1, 4, 16))
        restarts, steps = trial.size((3, 5000), (1, 1000))
        x, y = target_function("sine", 400, x_range=X_RANGE)
        grid, truth = target_function("sine", 10001, x_range=X_RANGE)
        errors, fits = {}, {}
        for index, units in enumerate(trial.progress(widths, "widths")):
            runs = []
            for restart in range(restarts):
                trial.seeded(100 * index + restart)
                model = one_hidden_layer(units)
                model.compile(optimizer=layerwise.optimizers.Adam(learning_rate=CosineDecay(0.01, steps)),
                              loss="mse")
                model.fit(x, y, epochs=steps, batch_size=len(x), verbose=0)
                runs.append((sup_error(model, grid, truth), model))
            errors[units] = [error for error, _ in runs]
            best = min(runs, key=lambda run: run[0])[1]
            fits[units] = best.predict(grid, batch_size=len(grid), verbose=0).ravel()
        best_errors = [min(errors[units]) for units in widths]
        trial.table("sup_error", [{"N": units, "best sup error": min(errors[units]),
                                   "worst sup error": max(errors[units]), "restarts": len(errors[units])}
                                  for units in widths], caption="Sup error max |f - F| on the grid, per width")
        self._plot(trial, widths, best_errors, grid.ravel(), truth.ravel(), fits)
        return {"widths": list(widths), "sup_error": best_errors,
                "sup_error_per_restart": [errors[units] for units in widths]}

    def _plot(self, trial, widths, best_errors, grid, truth, fits):
        import matplotlib.pyplot as plt

        figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        left.plot(widths, best_errors, marker="o")
        left.set(xscale="log", yscale="log", xlabel="hidden units N", ylabel="sup error max |f - F|",
                 title="Sup error against width (best of restarts)")
        left.set_xticks(widths, [str(units) for units in widths])
        right.plot(grid, truth, color="black", linewidth=2.5, label="f = sin")
        for units in sorted({units for units in widths if units <= 8} | {widths[-1]}):
            right.plot(grid, fits[units], label=f"N = {units}")
        right.set(xlabel="x", ylabel="F(x)", title="Fits of one hidden layer")
        right.legend(fontsize="small")
        trial.figure("sup_error", figure, caption="Left: sup error against the number of hidden units (log-log). "
                                                  "Right: the best fit at some widths against f.")

    def judge(self, numbers):
        widths, errors = numbers["widths"], numbers["sup_error"]
        fraction = errors[-1] / errors[0]
        rise = max(later / earlier for earlier, later in zip(errors, errors[1:]))
        reason = (f"sup error {errors[0]:.3g} at N = {widths[0]}, {errors[-1]:.3g} at N = {widths[-1]} "
                  f"({fraction:.1%} of it); largest ratio of consecutive sup errors (wider / narrower) {rise:.2f}")
        return Verdict.of(fraction <= MAX_FRACTION and rise <= MAX_RISE, reason)
