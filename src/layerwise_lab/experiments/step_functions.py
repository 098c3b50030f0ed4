"""Step-function approximation and the curse of dimensionality (lecture 001).

Lecture 001 builds an approximation of f from steps: cut [0, 1]^d into K^d cells of side 1/K, give each
cell a unit that is 1 on it and 0 elsewhere (a "tower", made of steps), and weight the tower by f at the
cell's centre. Its sup error shrinks like 1/K, the number of cells grows like K^d, so the units needed for
sup error ε grow like (1/ε)^d. The construction is written down, not trained:

    layer 1, d (K - 1) units: s_{j,i} = σ(w (x_j - i/K)), the steps at the inner cell edges of each axis;
    layer 2, K^d units: T_c = σ(w_2 (sum_j [s_{j,c_j} - s_{j,c_j + 1}] - d + 1/2)) with s_{j,0} = 1,
        s_{j,K} = 0: each bracket is axis j's bump (1 on the cell's slab), and T_c is their AND;
    output: F(x) = sum_c f(centre_c) T_c(x).

With steep sigmoids (w = 1000 K, w_2 = 100) every unit is a step away from a thin band at the cell edges.
"""

import itertools

import numpy as np

from layerwise_lab import Experiment, Verdict
from layerwise_lab._constructed import dense_network

#: The claimed exponent of 1/ε in the number of units is d; a fitted slope within this of d agrees with it.
SLOPE_TOLERANCE = 0.3
STEEPNESS, AND_STEEPNESS = 1000.0, 100.0


def target(x):
    """f(x) = prod_j sin(2π x_j) on [0, 1]^d, for x of shape (points, d)."""
    return np.prod(np.sin(2 * np.pi * x), axis=1, keepdims=True)


def tower_weights(f, cells, dim):
    """The (W, b, φ) of the three layers of the step construction with ``cells`` = K cells per axis."""
    edges = np.arange(1, cells) / cells
    steps = (np.kron(np.eye(dim), STEEPNESS * cells * np.ones(cells - 1)),
             np.tile(-STEEPNESS * cells * edges, dim), "sigmoid")
    # bump_c = sum_i M[i, c] s_i + m0[c] on one axis: s_c - s_{c+1}, with the constant s_0 = 1 in m0.
    bump = np.eye(cells - 1, cells, k=1) - np.eye(cells - 1, cells)
    constant = (np.arange(cells) == 0).astype(float)
    index = np.array(list(itertools.product(range(cells), repeat=dim)))  # (K^d, d): each cell's c_j
    towers = (np.concatenate([bump[:, index[:, axis]] for axis in range(dim)]) * AND_STEEPNESS,
              AND_STEEPNESS * (constant[index].sum(axis=1) - dim + 0.5), "sigmoid")
    output = (f((index + 0.5) / cells), np.zeros(1), None)
    return [steps, towers, output]


def cell_grid(cells, dim, per_cell):
    """The points ((i + 1/2) / (K m)) on each axis, m = ``per_cell`` a cell: as many points per cell at
    every K, so the grid's miss of the true sup is the same fraction of it at every K (the slope is kept)."""
    axis = (np.arange(cells * per_cell) + 0.5) / (cells * per_cell)
    return np.stack(np.meshgrid(*[axis] * dim, indexing="ij"), axis=-1).reshape(-1, dim)


def sup_error(model, x):
    """max |f - F| over the points ``x``."""
    return float(np.max(np.abs(model.predict(x, batch_size=4096, verbose=0) - target(x))))


def slope(units, errors):
    """The least-squares slope of log(units) against log(1/ε)."""
    return float(np.polyfit(-np.log(errors), np.log(units), 1)[0])


class StepFunctions(Experiment):
    name = "step-functions"
    title = "Step-function approximation: units for sup error ε grow like (1/ε)^d"
    number = 2
    lectures = ("001_9d6428fc0ed20444.txt",)
    claim = ("The number of partitions grows exponentially with the dimension! If Each partition is "
             "approximated using fixed neurons, the number of neurons required also grows exponentially! "
             r"$d = 1: 1/\epsilon$ partitions; $d = 2: 1/\epsilon^2$ partitions; General $d: 1/\epsilon^d$ "
             "partitions")
    protocol = ("f(x) = prod_j sin(2π x_j) on [0, 1]^d for d = 1, 2, 3. The step construction (steep sigmoid "
                "steps at the inner cell edges, one sigmoid tower per cell, output weights f at the cell "
                "centres) is loaded into a layerwise Dense-sigmoid-sigmoid-linear network with set_weights, no "
                "training; K cells per axis: d = 1 K = 4, 8, ..., 256; d = 2 K = 4, 6, 8, 12, 16, 24, 32; d = 3 "
                "K = 4, 6, 8, 10, 12. The sup error ε is read on a grid of m^d points per cell (m = 64, 8, 4), "
                "the units are all hidden units d (K - 1) + K^d. --quick: d = 1 K = 4, 8, 16; d = 2 K = 4, 8; "
                "d = 3 K = 4, 6.")
    criterion = (f"For each d, fit the slope of log(units) against log(1/ε); held if every slope lies within "
                 f"{SLOPE_TOLERANCE} of d (about 1, 2 and 3), did not hold otherwise.")
    minutes = 0.25

    def run(self, trial):
        cells = trial.size({1: (4, 8, 16, 32, 64, 128, 256), 2: (4, 6, 8, 12, 16, 24, 32), 3: (4, 6, 8, 10, 12)},
                           {1: (4, 8, 16), 2: (4, 8), 3: (4, 6)})
        per_cell = {1: 64, 2: 8, 3: 4}
        results, rows = {}, []
        for dim, ks in cells.items():
            units, errors = [], []
            for k in trial.progress(ks, f"d = {dim}"):
                model = dense_network(dim, tower_weights(target, k, dim))
                units.append(dim * (k - 1) + k ** dim)
                errors.append(sup_error(model, cell_grid(k, dim, per_cell[dim])))
                rows.append({"d": dim, "K": k, "hidden units": units[-1], "sup error": errors[-1],
                             "units x error^d": units[-1] * errors[-1] ** dim})
            results[str(dim)] = {"cells": list(ks), "units": units, "sup_error": errors,
                                 "slope": slope(units, errors)}
        trial.table("units_and_error", rows, caption="Units of the step construction and its sup error")
        self._plot(trial, results)
        return {"dims": results}

    def _plot(self, trial, results):
        import matplotlib.pyplot as plt

        figure, (line, image, scaling) = plt.subplots(1, 3, figsize=(15, 4.2), layout="constrained")
        x = np.linspace(0, 1, 1001)[:, None]
        line.plot(x, target(x), color="black", linewidth=2.5, label="f")
        for k in (4, 8):
            line.plot(x, dense_network(1, tower_weights(target, k, 1)).predict(x, verbose=0), label=f"K = {k}")
        line.set(xlabel="x", ylabel="F(x)", title="d = 1: sums of steps")
        line.legend()
        k, axis = 8, np.linspace(0, 1, 201)
        plane = np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)
        towers = dense_network(2, tower_weights(target, k, 2)).predict(plane, batch_size=4096, verbose=0)
        shown = image.imshow(towers.reshape(len(axis), len(axis)).T, origin="lower", extent=(0, 1, 0, 1),
                             cmap="coolwarm")
        figure.colorbar(shown, ax=image, label="F(x)")
        image.set(xlabel="x_1", ylabel="x_2", title=f"d = 2: {k * k} towers (K = {k})")
        for dim, result in results.items():
            inverse = 1 / np.array(result["sup_error"])
            line_of, = scaling.plot(inverse, result["units"], marker="o",
                                    label=f"d = {dim}: slope {result['slope']:.2f}")
            scaling.plot(inverse, result["units"][-1] * (inverse / inverse[-1]) ** int(dim), linestyle="--",
                         color=line_of.get_color(), alpha=0.5, label="claimed slope d" if dim == "1" else None)
        scaling.set(xscale="log", yscale="log", xlabel="1 / sup error ε", ylabel="hidden units",
                    title="Units needed against accuracy")
        scaling.legend()
        trial.figure("step_functions", figure,
                     caption="Left: the construction in 1-D. Middle: its towers in 2-D. Right: hidden units against "
                             "1/ε (log-log) with the fitted slopes; dashed: the claimed slope d.")

    def judge(self, numbers):
        slopes = {int(dim): result["slope"] for dim, result in numbers["dims"].items()}
        reason = "fitted slopes of log(units) on log(1/ε): " + ", ".join(
            f"d = {dim}: {value:.2f}" for dim, value in sorted(slopes.items()))
        return Verdict.of(all(abs(value - dim) <= SLOPE_TOLERANCE for dim, value in slopes.items()),
                          reason + f" (claim: d, tolerance {SLOPE_TOLERANCE})")
