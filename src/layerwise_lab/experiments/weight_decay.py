"""L1 weight decay makes most weights vanish, L2 shrinks them all; stronger L2 draws a simpler boundary
(lecture 002).

The penalty's gradient says why: L1's λ sign(w) pulls every weight toward 0 by the same step, however small it
already is, so weights the data does not need reach 0 and stay there; L2's λ w pulls in proportion to w, so
weights shrink together and none reaches exactly 0. Lecture 002 writes the penalties as λ/2 |w| and λ/2 wᵀw;
the L2 strengths of its moons-like example are that λ (layerwise's ``L2(λ / 2)``).
"""

import numpy as np

import layerwise
from layerwise import layers, regularizers
from layerwise.datasets import toy
from layerwise.plot import plot_decision_boundary
from layerwise_lab import Experiment, Verdict
from layerwise_lab._data import mnist

#: |w| below this counts as "very close to zero": about 1/60 of the unregularized net's RMS weight.
NEAR_ZERO = 1e-3
#: The MNIST penalties (Keras convention, λ Σ|w| and λ Σw²), strengths at which each shrinks the RMS weight by
#: about half for at most ~1.5 points of test accuracy in a pilot run.
PENALTIES = {"none": None, "L1": regularizers.L1(1e-4), "L2": regularizers.L2(1e-3)}
#: Lecture 002's L2 strengths λ (penalty λ/2 wᵀw), with 0 as the unregularized reference.
STRENGTHS = (0.0, 0.01, 0.1, 1.0)
#: Where the moons' boundary is measured: the data's extent with a margin.
PLANE, RESOLUTION = ((-1.5, -1.25), (2.5, 1.75)), 200
SPARSE, SPARSE_FACTOR, L2_SHRINK = 0.5, 3.0, 0.75


def kernel_weights(model):
    """Every kernel weight of ``model`` in one flat array (biases left out: the penalties apply to kernels)."""
    return np.concatenate([layer.kernel.value.ravel() for layer in model.layers if hasattr(layer, "kernel")])


def boundary_length(classes):
    """The length of the decision boundary in a grid of predicted classes, in units of the grid's side: the
    number of neighbouring cells (across and up) of different classes, over the grid's resolution. 1 is one
    straight line across the grid; a wiggly boundary is longer; 0 is no boundary (one class everywhere)."""
    classes = np.asarray(classes)
    changes = np.count_nonzero(classes[:, 1:] != classes[:, :-1]) + np.count_nonzero(classes[1:] != classes[:-1])
    return changes / classes.shape[0]


def predicted_grid(model, low=PLANE[0], high=PLANE[1], resolution=RESOLUTION):
    """The class (sigmoid output > 0.5) ``model`` predicts on a ``resolution`` x ``resolution`` grid of the
    rectangle from ``low`` to ``high``."""
    first, second = (np.linspace(low[axis], high[axis], resolution) for axis in range(2))
    grid = np.stack(np.meshgrid(first, second), axis=-1).reshape(-1, 2).astype("float32")
    return (model.predict(grid, batch_size=4096, verbose=0).reshape(resolution, resolution) > 0.5).astype(int)


class WeightDecay(Experiment):
    name = "weight-decay"
    title = "Weight decay: L1 makes weights sparse, L2 shrinks them evenly and smooths the boundary"
    number = 12
    lectures = ("002_18b815cf32b04ead.txt",)
    claim = ("L1 Regularization: Leading most weights very close to zero; Choosing a small subset of most "
             "important inputs [...] L2 Regularization: Penalizing peaky weights; Encouraging to use all of its "
             "inputs a little rather than using only some of its inputs a lot. [...] Example: Separating green "
             "and red [...] L2 regularization strengths of 0.01, 0.1, and 1")
    protocol = ("MNIST, 20,000 training and 5,000 test images: a 784-256-128-10 ReLU MLP trained by SGD "
                "(momentum 0.9, learning rate 0.05, batches of 64) for 10 epochs with no penalty, L1 (λ=1e-4 "
                "Σ|w|) or L2 (λ=1e-3 Σw²) on every kernel; the fraction of kernel weights with |w| < 1e-3, their "
                "RMS and largest |w|. Moons: 100 noisy training points (noise 0.3) and 1,000 test points; a "
                "2-50-50-1 ReLU MLP trained full-batch by Adam (learning rate 0.01) for 1,500 epochs with "
                "lecture 002's penalty λ/2 wᵀw on every kernel for λ = 0 (reference), 0.01, 0.1 and 1, 3 seeds "
                "each; the kernels' norm, the training accuracy, and the boundary's length on a 200x200 grid. "
                "--quick: 1,000 MNIST images, 1 epoch; 100 epochs on the moons, 1 seed.")
    criterion = ("Held if (a) L1 leaves most weights (> 50%) below 1e-3 in magnitude, at least 3 times the "
                 "fraction of L2 and of no penalty, while L2 stays non-sparse (< 50%), shrinks the RMS weight to "
                 "at most 75% of the unregularized one and lowers the largest |w|; and (b) over λ = 0.01, 0.1, 1 "
                 "(seed means) the kernels' norm strictly decreases while the boundary's length and the training "
                 "accuracy never increase, the length ending lower at λ=1 than at 0.01. Did not hold otherwise.")
    minutes = 1

    def run(self, trial):
        return {"mnist": self._mnist(trial), "moons": self._moons(trial)}

    def _mnist(self, trial):
        (x, y), (x_test, y_test) = mnist(train=trial.size(20000, 1000), test=trial.size(5000, 500), seed=trial.seed)
        results, weights = {}, {}
        for name, penalty in trial.progress(PENALTIES.items(), "penalties"):
            trial.seeded()
            model = layerwise.Sequential([layerwise.Input(shape=(784,))] + [
                layers.Dense(units, activation=activation, kernel_regularizer=penalty)
                for units, activation in ((256, "relu"), (128, "relu"), (10, "softmax"))])
            model.compile(optimizer=layerwise.optimizers.SGD(learning_rate=0.05, momentum=0.9),
                          loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            model.fit(x, y, epochs=trial.size(10, 1), batch_size=64, verbose=0)
            w = weights[name] = kernel_weights(model)
            results[name] = {"near_zero": float(np.mean(np.abs(w) < NEAR_ZERO)), "rms": float(np.sqrt(np.mean(w ** 2))),
                             "max_abs": float(np.abs(w).max()),
                             "test_accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1])}
        trial.table("mnist_weights", [{"penalty": name, f"|w| < {NEAR_ZERO:g}": result["near_zero"],
                                       "RMS w": result["rms"], "max |w|": result["max_abs"],
                                       "test accuracy": result["test_accuracy"]} for name, result in results.items()],
                    caption="Kernel weights of the MNIST MLP after training")
        self._plot_histograms(trial, weights)
        return results

    def _plot_histograms(self, trial, weights):
        import matplotlib.pyplot as plt

        figure, (linear, logarithmic) = plt.subplots(1, 2, figsize=(11, 4))
        limit = max(float(np.abs(w).max()) for w in weights.values())
        for name, w in weights.items():
            linear.hist(w, bins=np.linspace(-limit, limit, 121), histtype="step", label=name)
            logarithmic.hist(np.log10(np.maximum(np.abs(w), 1e-9)), bins=np.linspace(-9, 0.5, 96),
                             histtype="step", label=name)
        linear.set(yscale="log", xlabel="w", ylabel="weights", title="Kernel weights (log count)")
        logarithmic.axvline(np.log10(NEAR_ZERO), color="gray", linestyle="--", label=f"|w| = {NEAR_ZERO:g}")
        logarithmic.set(xlabel="log10 |w| (|w| < 1e-9 drawn at -9)", ylabel="weights",
                        title="Magnitudes: L1's mass near zero")
        for ax in (linear, logarithmic):
            ax.legend(fontsize="small")
        trial.figure("weight_histograms", figure, caption="The MNIST MLP's kernel weights after training with no "
                                                          "penalty, L1 and L2.")

    def _moons(self, trial):
        import matplotlib.pyplot as plt

        seeds, epochs = trial.size(3, 1), trial.size(1500, 100)
        x, y = toy.moons(100, noise=0.3, seed=trial.seed)
        x_test, y_test = toy.moons(1000, noise=0.3, seed=trial.seed + 1)
        figure, axes = plt.subplots(1, len(STRENGTHS), figsize=(4.2 * len(STRENGTHS), 4))
        results = {}
        for strength, ax in zip(trial.progress(STRENGTHS, "L2 strengths"), axes):
            runs = []
            for seed in range(seeds):
                trial.seeded(seed)
                penalty = regularizers.L2(strength / 2) if strength else None
                model = layerwise.Sequential([layerwise.Input(shape=(2,))] + [
                    layers.Dense(units, activation=activation, kernel_regularizer=penalty)
                    for units, activation in ((50, "relu"), (50, "relu"), (1, "sigmoid"))])
                model.compile(optimizer=layerwise.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
                              metrics=["accuracy"])
                model.fit(x, y, epochs=epochs, batch_size=len(x), verbose=0)
                runs.append({"norm": float(np.linalg.norm(kernel_weights(model))),
                             "train_accuracy": float(model.evaluate(x, y, verbose=0)[1]),
                             "test_accuracy": float(model.evaluate(x_test, y_test, verbose=0)[1]),
                             "boundary_length": boundary_length(predicted_grid(model))})
                if seed == 0:
                    plot_decision_boundary(model, x, y, ax=ax)
                    ax.set_title(f"L2 λ = {strength:g}\n||W|| = {runs[0]['norm']:.2f}, "
                                 f"train accuracy {runs[0]['train_accuracy']:.2f}", fontsize="medium")
            results[f"{strength:g}"] = {key: float(np.mean([run[key] for run in runs])) for key in runs[0]}
        figure.tight_layout()
        trial.figure("moons_boundaries", figure, caption="The boundary of the moons MLP (seed 0) with lecture "
                                                         "002's L2 penalty λ/2 wᵀw for λ = 0, 0.01, 0.1, 1.")
        trial.table("moons", [{"L2 λ": strength, "||W||": result["norm"], "boundary length": result["boundary_length"],
                               "train accuracy": result["train_accuracy"], "test accuracy": result["test_accuracy"]}
                              for strength, result in results.items()],
                    caption=f"Moons, means over {seeds} seed(s); boundary length on a {RESOLUTION}x{RESOLUTION} grid "
                            "(1 = one straight line across)")
        return results

    def judge(self, numbers):
        weights, moons = numbers["mnist"], [numbers["moons"][f"{strength:g}"] for strength in STRENGTHS[1:]]
        none, l1, l2 = weights["none"], weights["L1"], weights["L2"]
        reason = (f"|w| < {NEAR_ZERO:g}: L1 {l1['near_zero']:.1%}, L2 {l2['near_zero']:.1%}, none "
                  f"{none['near_zero']:.1%}; RMS w: L2 {l2['rms']:.4f}, none {none['rms']:.4f}; max |w|: L2 "
                  f"{l2['max_abs']:.3f}, none {none['max_abs']:.3f}; moons at λ = 0.01, 0.1, 1: ||W|| "
                  + ", ".join(f"{result['norm']:.2f}" for result in moons) + ", boundary length "
                  + ", ".join(f"{result['boundary_length']:.2f}" for result in moons) + ", train accuracy "
                  + ", ".join(f"{result['train_accuracy']:.3f}" for result in moons))
        sparse = (l1["near_zero"] > SPARSE
                  and l1["near_zero"] >= SPARSE_FACTOR * max(l2["near_zero"], none["near_zero"]))
        even = (l2["near_zero"] < SPARSE and l2["rms"] <= L2_SHRINK * none["rms"] and l2["max_abs"] < none["max_abs"])
        smoother = (all(later["norm"] < earlier["norm"] and later["boundary_length"] <= earlier["boundary_length"]
                        and later["train_accuracy"] <= earlier["train_accuracy"]
                        for earlier, later in zip(moons, moons[1:]))
                    and moons[-1]["boundary_length"] < moons[0]["boundary_length"])
        failed = [part for part, ok in (("L1 is not sparse", sparse), ("L2 does not shrink evenly", even),
                                        ("stronger L2 is not simpler", smoother)) if not ok]
        return Verdict.of(not failed, reason + (f" ({'; '.join(failed)})" if failed else ""))
