"""Mini-batch SGD against full-batch gradient descent, and a new order every epoch against a fixed one
(lecture 003).

Full-batch gradient descent makes one update per epoch, θ ← θ - α dJ/dθ over all N samples; mini-batch SGD
makes N/B updates from batches of B. The fixed order is the training set sorted by label, the order in which
skipping the shuffle matters most: every batch holds one digit, and each epoch ends on the nines.
"""

import numpy as np

from layerwise.optimizers import SGD
from layerwise_lab import INCONCLUSIVE, Experiment, Verdict
from layerwise_lab._data import mnist
from layerwise_lab._models import mlp
from layerwise_lab._training import training_curve

RATES = (0.03, 0.1, 0.3, 1.0, 3.0)
BATCH_SIZE = 100
#: Each comparison holds when the better arm's number is at most this fraction of the other's.
MARGIN = 0.5


def seconds_to_reach(curve, target):
    """The training seconds at the first measurement whose loss is at most ``target`` (None if never):
    an upper bound on the time to get there, as the loss is measured once an epoch."""
    reached = [seconds for seconds, loss in zip(curve["seconds"], curve["loss"]) if loss <= target]
    return reached[0] if reached else None


def _compare(better, worse):
    """better / worse, the ratio each comparison judges (infinite when ``better`` never got there)."""
    return float("inf") if better is None else better / worse


class MiniBatches(Experiment):
    name = "mini-batches"
    title = "Mini-batches and shuffling"
    number = 8
    lectures = ("003_177acb73fe647277.txt",)
    claim = ("MINI-BATCH IS FASTER. Original Gradient Descent: Update after seeing all examples. With Mini-batch: "
             "If there are 20 batches, update 20 times in one epoch. Mini-batch has better performance! [...] "
             "Shuffle the training examples for each epoch")
    protocol = ("MNIST, 10,000 training images; a 784-128-10 ReLU MLP with a softmax output and cross-entropy, "
                "trained by plain SGD for 20 epochs. Mini-batch (100 images per update, reshuffled every epoch) "
                "against full-batch gradient descent (all 10,000 per update), each at its best learning rate of "
                f"{', '.join(map(str, RATES))} (lowest final training loss); the training loss is measured on the "
                "whole training set after every epoch, and the clock counts the wall time in fit only (so the "
                "per-second comparison wants an otherwise idle machine: under load, mini-batch SGD's many small "
                "steps lose far more time than one large one). Shuffling: "
                "mini-batch SGD at its best rate on the training set sorted by label, with fit(shuffle=True) "
                "against fit(shuffle=False), 3 seeds; the set in a fixed random order (shuffle=False) is shown "
                "but not judged. --quick: 1,000 images, 3 epochs, the rates 0.1 and 1, one seed.")
    criterion = (f"Held if (1) mini-batch's final training loss is at most {MARGIN} times full-batch's (per epoch), "
                 f"(2) mini-batch reaches full-batch's final loss in at most {MARGIN} times full-batch's training "
                 f"time (per second), and (3) shuffling every epoch ends at a mean training loss at most {MARGIN} "
                 "times the fixed sorted order's. Did not hold if any of the three ratios is 1 or more; "
                 "inconclusive otherwise.")
    minutes = 1

    def run(self, trial):
        images, epochs, seeds = trial.size((10000, 20, 3), (1000, 3, 1))
        rates = trial.size(RATES, (0.1, 1.0))
        (x, y), _ = mnist(train=images, test=0, seed=trial.seed)

        def curve(x, y, rate, batch_size, shuffle=True, seed=0, desc=""):
            trial.seeded(seed)
            model = mlp((128,))
            model.compile(optimizer=SGD(rate), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
            return training_curve(model, x, y, epochs, batch_size, shuffle=shuffle,
                                  progress=lambda it: trial.progress(it, desc))

        arms = {"mini-batch": BATCH_SIZE, "full batch": images}
        grid = {arm: {rate: curve(x, y, rate, batch_size, desc=f"{arm} α={rate}") for rate in rates}
                for arm, batch_size in arms.items()}
        best = {arm: min(rates, key=lambda rate: grid[arm][rate]["loss"][-1]) for arm in arms}
        by_label = np.argsort(y, kind="stable")
        orders = {"shuffled every epoch": (x[by_label], y[by_label], True),
                  "fixed, sorted by label": (x[by_label], y[by_label], False),
                  "fixed, random": (x, y, False)}
        shuffling = {order: [curve(x_order, y_order, best["mini-batch"], BATCH_SIZE, shuffle, seed, order)
                             for seed in range(seeds)]
                     for order, (x_order, y_order, shuffle) in orders.items()}
        numbers = {"images": images, "best_rate": best,
                   "curves": {arm: grid[arm][best[arm]] for arm in arms},
                   "final_loss": {arm: {str(rate): grid[arm][rate]["loss"][-1] for rate in rates} for arm in arms},
                   "shuffling": {order: [run["loss"] for run in runs] for order, runs in shuffling.items()}}
        self._tables(trial, grid, best, shuffling)
        self._plot(trial, numbers, shuffling)
        return numbers

    def _tables(self, trial, grid, best, shuffling):
        trial.table("learning_rates", [{"update": arm, "α": rate, "final training loss": curve["loss"][-1],
                                        "training seconds": curve["seconds"][-1], "best": rate == best[arm]}
                                       for arm, curves in grid.items() for rate, curve in curves.items()],
                    caption="Final training loss of each arm at each learning rate (inf: diverged)")
        trial.table("shuffling", [{"order": order, "final training loss (mean)": np.mean([r["loss"][-1] for r in runs]),
                                   "final training accuracy (mean)": np.mean([r["accuracy"][-1] for r in runs])}
                                  for order, runs in shuffling.items()],
                    caption=f"Mini-batch SGD at α = {best['mini-batch']}, mean over seeds")

    def _plot(self, trial, numbers, shuffling):
        import matplotlib.pyplot as plt

        figure, (per_epoch, per_second) = plt.subplots(1, 2, figsize=(12, 4.5))
        for arm, curve in numbers["curves"].items():
            label = f"{arm} (α = {numbers['best_rate'][arm]})"
            per_epoch.plot(curve["loss"], marker=".", label=label)
            per_second.plot(curve["seconds"], curve["loss"], marker=".", label=label)
        per_epoch.set(xlabel="epoch", title="Per epoch")
        per_second.set(xlabel="training seconds (in fit)", title="Per second of wall time")
        for ax in (per_epoch, per_second):
            ax.set(yscale="log", ylabel="training loss (cross-entropy)")
            ax.legend()
        trial.figure("mini_batch_vs_full_batch", figure,
                     caption=f"Training loss of MNIST ({numbers['images']:,} images) after each epoch, each arm at "
                             "its best learning rate, against epochs and against training seconds.")
        figure, ax = plt.subplots(figsize=(6.5, 4.5))
        for order, runs in shuffling.items():
            ax.plot(np.mean([run["loss"] for run in runs], axis=0), marker=".", label=order)
        ax.set(yscale="log", xlabel="epoch", ylabel="training loss (cross-entropy)",
               title=f"Order of the mini-batches (α = {numbers['best_rate']['mini-batch']})")
        ax.legend()
        trial.figure("shuffling", figure, caption="Training loss after each epoch, mean over seeds, for a new "
                                                  "order every epoch and for two fixed orders.")

    def judge(self, numbers):
        mini, full = numbers["curves"]["mini-batch"], numbers["curves"]["full batch"]
        shuffled, fixed = (np.mean([losses[-1] for losses in numbers["shuffling"][order]])
                           for order in ("shuffled every epoch", "fixed, sorted by label"))
        ratios = {"final loss, mini-batch / full batch": _compare(mini["loss"][-1], full["loss"][-1]),
                  "seconds to full batch's final loss, mini-batch / full batch":
                      _compare(seconds_to_reach(mini, full["loss"][-1]), full["seconds"][-1]),
                  "final loss, shuffled / fixed sorted order": _compare(shuffled, fixed)}
        reason = "; ".join(f"{name} {ratio:.3g}" for name, ratio in ratios.items())
        if max(ratios.values()) >= 1:
            return Verdict.of(False, reason)
        if max(ratios.values()) > MARGIN:
            return Verdict(INCONCLUSIVE, reason + f" (better, but not all by the margin {MARGIN})")
        return Verdict.of(True, reason)
